package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine dev} as a user starts it: a real process that prints the unseal key, the root token
 * and where its API listens; {@code brine key -L} and {@code brine run '*' test.ping} then work
 * against it, and stopping it (SIGTERM, as Ctrl-C) deletes its folder.
 */
class DevModeTest {
  @TempDir Path tmp;

  private static final Pattern API = Pattern.compile("operator API on (http://[^,\\s]+)");
  private static final Pattern TOKEN = Pattern.compile("^Root Token: (\\S+)$");
  private static final Pattern DIR = Pattern.compile("everything in (\\S+) \\(deleted");

  @Test
  void devMode_startsAMasterAndAMinion_answersTestPing_andCleansUp() throws Exception {
    Process dev =
        new ProcessBuilder(
                MasterProcess.java(
                    "io.brine.cli.Brine", "dev", "--api-addr", "127.0.0.1:0", "--ret-port", "0"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Banner banner = Banner.read(dev);
      String api = banner.api();
      String token = banner.token();
      Path dir = banner.dir();
      String printed = banner.printed();
      assertThat(printed).contains("Unseal Key: ", "brine run '*' test.ping");
      // Issue 18: the start line said "vault sealed" although the banner's vault was unsealed.
      assertThat(printed).contains(", vault unsealed (shamir)").doesNotContain("vault sealed");
      Cli cli = new Cli().env("BRINE_ADDR", api).env("BRINE_TOKEN", token);

      Result keys = cli.run("key", "-L", "--out", "json");
      Result ping = cli.run("run", "*", "test.ping", "--out", "json");
      Result hello =
          cli.run("run", "*", "cp.get_file", "salt://hello.txt", dir.resolve("fetched.txt").toString());

      assertThat(keys.exitCode()).as(keys.toString()).isZero();
      assertThat(keys.out()).contains("\"minions\"", "\"dev-minion\"");
      assertThat(ping.exitCode()).as(ping.toString()).isZero();
      assertThat(ping.out().replaceAll("\\s", "")).isEqualTo("{\"dev-minion\":true}");
      assertThat(hello.exitCode()).as(hello.toString()).isZero();
      assertThat(Files.readString(dir.resolve("fetched.txt"))).startsWith("Hello from");

      dev.destroy();
      assertThat(dev.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(dir).as("the dev folder is deleted at exit").doesNotExist();
    } finally {
      dev.destroyForcibly();
    }
  }

  // Issue 14: a dev start that failed (here: the API port taken) left its brine-dev-* folder,
  // with the configs it had written, in the temporary folder.
  @Test
  void aDevStartThatFails_saysWhyInOneLine_andLeavesNoTemporaryFolder() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process dev =
          new ProcessBuilder(
                  MasterProcess.java(
                      List.of("-Djava.io.tmpdir=" + tmp),
                      "io.brine.cli.Brine",
                      "dev",
                      "--api-addr",
                      "127.0.0.1:" + taken.getLocalPort(),
                      "--ret-port",
                      "0"))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        String err = new String(dev.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dev.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(dev.exitValue()).as(err).isNotZero();
        // stderr has the log too; the user's error is one "Error:" line, with no stack trace.
        assertThat(err.lines().filter(l -> l.startsWith("Error: ")))
            .as(err)
            .singleElement()
            .asString()
            .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        assertThat(err).doesNotContain("\tat ", "Exception");
        assertThat(devFolders()).as("brine-dev-* folders left in " + tmp).isEmpty();
      } finally {
        dev.destroyForcibly();
      }
    }
  }

  /** What {@code brine dev} prints on stdout up to its last line. */
  private record Banner(String api, String token, Path dir, String printed) {
    static Banner read(Process dev) throws IOException {
      String api = null;
      String token = null;
      Path dir = null;
      StringBuilder printed = new StringBuilder();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("Ctrl-C stops")) {
        printed.append(line).append('\n');
        Matcher m;
        if ((m = API.matcher(line)).find()) {
          api = m.group(1);
        } else if ((m = DIR.matcher(line)).find()) {
          dir = Path.of(m.group(1));
        } else if ((m = TOKEN.matcher(line)).find()) {
          token = m.group(1);
        }
      }
      assertThat(token).as(printed.toString()).isNotNull();
      assertThat(api).as(printed.toString()).isNotNull();
      return new Banner(api, token, dir, printed.toString());
    }
  }

  /**
   * The README's first command must work when the usual ports are taken: with no port given and
   * 8200 and 4506 held by something else, dev mode says so in one line each and listens on free
   * ports, and its banner says where.
   */
  @Test
  void theDefaultPortsTaken_devModeStartsOnFreeOnes_andSaysSo() throws Exception {
    List<ServerSocket> held = new java.util.ArrayList<>();
    for (int port : new int[] {8200, 4506}) {
      try {
        held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
      } catch (IOException alreadyTaken) {
        // taken by something else already: just as good for this test
      }
    }
    Path err = tmp.resolve("dev.err");
    Process dev =
        new ProcessBuilder(
                MasterProcess.java(
                    List.of("-Djava.io.tmpdir=" + tmp), "io.brine.cli.Brine", "dev"))
            .redirectError(err.toFile())
            .start();
    try {
      Banner banner = Banner.read(dev);
      assertThat(banner.api()).doesNotEndWith(":8200");
      Result ping =
          new Cli()
              .env("BRINE_ADDR", banner.api())
              .env("BRINE_TOKEN", banner.token())
              .run("run", "*", "test.ping", "--out", "json");
      assertThat(ping.out().replaceAll("\\s", "")).as(ping.toString()).isEqualTo("{\"dev-minion\":true}");
      assertThat(Files.readString(err))
          .contains("port 8200 is taken; the operator API listens on a free port instead")
          .contains("port 4506 is taken; the minion port listens on a free port instead");
      dev.destroy();
      assertThat(dev.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(devFolders()).as("deleted at exit").isEmpty();
    } finally {
      dev.destroyForcibly();
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private List<Path> devFolders() throws IOException {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("brine-dev-")).toList();
    }
  }
}
