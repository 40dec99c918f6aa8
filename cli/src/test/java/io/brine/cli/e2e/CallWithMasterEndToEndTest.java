package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine call} with a master (salt-call without {@code --local}), as real processes: a master
 * with file roots, the minion daemon web1 running, and {@code brine call} on web1's config fetching
 * salt:// files over a call session of its own. The daemon keeps its connection throughout (a call
 * session never displaces it), and a key the master has not accepted, or a master that is not
 * there, is salt-call's exit 2 with one line.
 */
class CallWithMasterEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static MinionProcess minion;
  private static String token;

  @BeforeAll
  static void masterAndMinion() throws Exception {
    Path roots = dir.resolve("srv");
    Files.createDirectories(roots.resolve("scripts"));
    Files.writeString(roots.resolve("motd"), "served over the call session\n");
    Files.writeString(
        roots.resolve("scripts/hello.sh"), "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\ncachedir: "
            + dir.resolve("master/cache")
            + "\nfile_roots:\n  base:\n    - "
            + roots
            + "\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    minion = MinionProcess.start(dir.resolve("web1"), "web1", master.minionPort());
    Await.until(
        () -> operator("key", "-l", "pre").out().contains("web1"), master, minion, "web1 pending");
    Result accepted = operator("key", "-a", "web1", "-y");
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    Await.until(
        () -> minion.count("authenticated to master") >= 1,
        master,
        minion,
        "the minion authenticated");
  }

  @AfterAll
  static void stop() {
    if (minion != null) {
      minion.close();
    }
    if (master != null) {
      master.close();
    }
  }

  private static Result operator(String... args) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token).run(args);
  }

  /** {@code brine call} as its own process, with the CLI's logging as installed. */
  private static Result call(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "call", ".out");
    Path err = Files.createTempFile(dir, "call", ".err");
    List<String> command =
        MasterProcess.java(
            List.of("-Dlogback.configurationFile=logback.xml"), "io.brine.cli.Brine", args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BRINE_"));
    Process p = builder.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("brine call ends").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String web1Config() {
    return dir.resolve("web1/minion.yaml").toString();
  }

  @Test
  void cpGetFile_comesOverTheCallSession_andTheDaemonKeepsItsConnection() throws Exception {
    Path dest = dir.resolve("fetched-motd");

    Result r = call("call", "--config", web1Config(), "--out", "json", "cp.get_file",
        "salt://motd", dest.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).as("nothing on stderr").isEmpty();
    JsonNode doc = JSON.readTree(r.out());
    assertThat(doc.path("local").asText()).isEqualTo(dest.toString());
    assertThat(Files.readString(dest)).isEqualTo("served over the call session\n");
    assertThat(master.log()).contains("minion web1: call session accepted");
    assertThat(master.log()).doesNotContain("authenticated on a new connection");
    assertThat(minion.count("authenticated to master")).as("never reconnected").isEqualTo(1);
    assertThat(minion.count("lost the connection")).isZero();
    Result ping = operator("run", "web1", "test.ping", "--out", "json");
    assertThat(ping.exitCode()).as(ping.toString()).isZero();
    assertThat(JSON.readTree(ping.out()).path("web1").asBoolean()).isTrue();
  }

  @Test
  void cmdScript_runsASaltScriptFetchedFromTheMaster() throws Exception {
    Result r = call("call", "--config", web1Config(), "--out", "json", "cmd.script",
        "salt://scripts/hello.sh", "args=one two");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode ret = JSON.readTree(r.out()).path("local");
    assertThat(ret.path("stdout").asText()).isEqualTo("[one]\n[two]");
    assertThat(ret.path("retcode").asInt()).isZero();
  }

  @Test
  void aMissingFile_isTheFunctionsOneLineFailure_andTheDaemonStays() throws Exception {
    Path dest = dir.resolve("never");
    Result r = call("call", "--config", web1Config(), "cp.get_file", "salt://no-such-file",
        dest.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("local:")
        .contains("cp.get_file failed: no such file: salt://no-such-file")
        .doesNotContain("Exception");
    assertThat(r.err()).isEmpty();
    assertThat(dest).doesNotExist();
    assertThat(minion.count("authenticated to master")).isEqualTo(1);
  }

  @Test
  void aKeyTheMasterHasNotAccepted_isSaltCallsExit2_withTheAcceptHint() throws Exception {
    Path db1 = Files.createDirectories(dir.resolve("db1"));
    Path config = db1.resolve("minion.yaml");
    Files.writeString(
        config,
        "master: 127.0.0.1\nmaster_port: " + master.minionPort() + "\nid: db1\npki_dir: "
            + db1.resolve("pki") + "\n");

    Result r = call("call", "--config", config.toString(), "test.ping");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .as("one line")
        .singleElement()
        .asString()
        .startsWith("Error: Minion failed to authenticate with the master, has the minion key been"
            + " accepted?")
        .contains("brine key -a db1");
    assertThat(operator("key", "-l", "pre").out()).contains("db1");
  }

  @Test
  void anUnreachableMaster_isExit2InOneLine() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path config = dir.resolve("web1/unreachable.yaml");
    Files.writeString(
        config,
        "master: 127.0.0.1\nmaster_port: " + closed + "\nid: web1\npki_dir: "
            + dir.resolve("web1/pki") + "\n");

    Result r = call("call", "--config", config.toString(), "test.ping");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("Error: master 127.0.0.1:" + closed + " is unreachable");
  }
}
