package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end: a real master with a file root and three real minions (web1, web2, db1),
 * driven by {@code brine run} and {@code brine jobs} exactly as a user runs them. The last test
 * restarts the master with SIGKILL and reads the job cache back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> IDS = List.of("db1", "web1", "web2");

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static String unsealKey;
  private static Path config;
  private static final java.util.Map<String, MinionProcess> minions = new java.util.TreeMap<>();
  private final Cli cli = new Cli();

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path roots = dir.resolve("srv");
    Files.createDirectories(roots.resolve("files"));
    Files.writeString(roots.resolve("files/motd"), "welcome to brine\n");
    byte[] big = new byte[1_500_000]; // several 256 KiB chunks, and not a multiple of one
    new Random(6).nextBytes(big);
    Files.write(roots.resolve("files/big.bin"), big);
    config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "file_roots:\n  base:\n    - " + roots + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\n"
            // A fixed port, so the minions find the master again after the restart test.
            + "ret_port: " + freePort() + "\n"
            + "reauth_window: 30\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    JsonNode init = master.initJson();
    token = init.get("root_token").asText();
    unsealKey = init.get("keys").get(0).asText();
    master.unseal(unsealKey);
    for (String id : IDS) {
      minions.put(id, MinionProcess.start(dir.resolve("minion-" + id), id, master.minionPort()));
    }
    for (MinionProcess m : minions.values()) {
      await(() -> m.count("authenticated to master") >= 1, m, "the minion authenticated");
    }
  }

  @AfterAll
  static void stop() {
    minions.values().forEach(MinionProcess::close);
    master.close();
  }

  private Cli cli() {
    return cli.env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  private JsonNode json(Result r) throws Exception {
    return JSON.readTree(r.out());
  }

  @Test
  @Order(1)
  void testPing_toEveryMinion_returnsTrueFromEach() throws Exception {
    Result r = cli().run("run", "*", "test.ping", "--out", "json", "--static");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode out = json(r);
    assertThat(out.size()).isEqualTo(3);
    IDS.forEach(id -> assertThat(out.path(id).asBoolean()).as(id).isTrue());
  }

  @Test
  @Order(2)
  void targeting_globListAndRegex_reachOnlyTheMatchingMinions() throws Exception {
    Result glob = cli().run("run", "web*", "test.echo", "hello", "--out", "json", "--static");
    Result list = cli().run("run", "-L", "db1,web2", "test.version", "--out", "json", "--static");
    Result pcre = cli().run("run", "-E", "^d", "grains.get", "kernel", "--out", "json");

    assertThat(glob.exitCode()).as(glob.toString()).isZero();
    assertThat(json(glob).toString()).isEqualTo("{\"web1\":\"hello\",\"web2\":\"hello\"}");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(json(list).fieldNames()).toIterable().containsExactly("db1", "web2");
    assertThat(json(list).path("db1").asText()).startsWith("0.");
    assertThat(pcre.exitCode()).as(pcre.toString()).isZero();
    assertThat(json(pcre).toString()).isEqualTo("{\"db1\":\"Linux\"}");
  }

  @Test
  @Order(3)
  void cmdRun_printsEachMinionsOutput_andAFailingCommandExitsFour() {
    Result ok = cli().run("run", "web1", "cmd.run", "echo out; echo err >&2");
    Result failing = cli().run("run", "web1", "cmd.run", "exit 3");

    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).isEqualTo("web1:\n    out\n    err\n");
    assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(4);
    assertThat(failing.out()).contains("web1:", "[retcode 3]");
  }

  @Test
  @Order(4)
  void noMatch_unknownFunction_andBadArguments_areClear() {
    Result none = cli().run("run", "nothing*", "test.ping");
    Result unknown = cli().run("run", "web1", "foo.bar");
    Result badArgs = cli().run("run", "web1", "test.sleep", "abc");
    Result badName = cli().run("run", "web1", "not-a-function");

    assertThat(none.exitCode()).as(none.toString()).isEqualTo(3);
    assertThat(none.err()).contains("No minions matched the target");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(4);
    assertThat(unknown.out()).contains("'foo.bar' is not available.");
    assertThat(badArgs.exitCode()).isEqualTo(4);
    assertThat(badArgs.out()).contains("Passed invalid arguments");
    assertThat(badName.exitCode()).isEqualTo(1);
    assertThat(badName.err()).contains("not a function name").doesNotContain("Exception");
  }

  @Test
  @Order(5)
  void aFunctionThatHangsPastItsTimeout_isStopped_andReported() {
    Result r = cli().run("run", "web2", "test.sleep", "60", "--timeout", "2");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.out()).contains("test.sleep timed out after 2 s", "[retcode 124]");
  }

  @Test
  @Order(6)
  void cpGetFile_fetchesInChunks_withTheSameSha256_andRefusesTraversal() throws Exception {
    Path dest = dir.resolve("fetched.bin");

    Result r = cli().run("run", "db1", "cp.get_file", "salt://files/big.bin", dest.toString());
    Result escape =
        cli().run("run", "db1", "cp.get_file", "salt://../../etc/shadow", dir.resolve("x").toString());
    Result missing =
        cli().run("run", "db1", "cp.get_file", "salt://files/none", dir.resolve("y").toString());
    // The minion refuses '..' itself; a link that leaves the root only the master can see.
    Files.createSymbolicLink(dir.resolve("srv/files/passwd"), Path.of("/etc/passwd"));
    Result outside =
        cli().run("run", "db1", "cp.get_file", "salt://files/passwd", dir.resolve("z").toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(sha256(dest)).isEqualTo(sha256(dir.resolve("srv/files/big.bin")));
    assertThat(escape.exitCode()).isEqualTo(4);
    assertThat(escape.out()).contains("must not contain '..'");
    assertThat(dir.resolve("x")).doesNotExist();
    assertThat(outside.exitCode()).as(outside.toString()).isEqualTo(4);
    assertThat(outside.out()).contains("salt://files/passwd leads outside the file roots");
    assertThat(dir.resolve("z")).doesNotExist();
    assertThat(missing.exitCode()).isEqualTo(4);
    assertThat(missing.out()).contains("no such file: salt://files/none");
    assertThat(dir.resolve("y")).doesNotExist();
  }

  @Test
  @Order(6)
  void cpGetFile_ofAFileLargerThanTheMinionsHeap_isStreamed() throws Exception {
    Path huge = dir.resolve("srv/files/huge.bin");
    byte[] block = new byte[1 << 20];
    new Random(7).nextBytes(block);
    try (var out = Files.newOutputStream(huge)) {
      for (int i = 0; i < 96; i++) {
        out.write(block);
      }
    }
    MinionProcess small =
        MinionProcess.start(
            dir.resolve("minion-small"), "small", master.minionPort(), List.of("-Xmx48m"));
    try {
      await(() -> small.count("authenticated to master") >= 1, small, "small authenticated");
      Path dest = dir.resolve("huge-copy.bin");

      Result r = cli().run("run", "small", "cp.get_file", "salt://files/huge.bin", dest.toString());

      assertThat(r.exitCode()).as("%s%nminion log:%n%s", r, small.log()).isZero();
      assertThat(Files.size(dest)).isEqualTo(96L << 20);
      assertThat(sha256(dest)).isEqualTo(sha256(huge));
    } finally {
      small.close();
      cli().run("key", "-d", "small", "-y");
    }
  }

  @Test
  @Order(7)
  void aPublicationRightAfterARotation_reachesEveryMinion() throws Exception {
    // reauth_window is 30 s: when the job goes out, the minions still hold the old key. The
    // master holds the job for each, asks it to re-authenticate now, and sends it after.
    Result rotated = cli().run("key", "--rotate");
    Result r = cli().run("run", "*", "test.ping", "--out", "json", "--static");

    assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(json(r).size()).isEqualTo(3);
    for (MinionProcess m : minions.values()) {
      assertThat(m.count("publications dropped")).isZero();
      assertThat(m.log()).doesNotContain("dropped a publication");
    }
  }

  @Test
  @Order(8)
  void aMinionKilledMidJob_isReportedAsNotReturned() throws Exception {
    MinionProcess mortal =
        MinionProcess.start(dir.resolve("minion-mortal"), "mortal", master.minionPort());
    await(() -> mortal.count("authenticated to master") >= 1, mortal, "mortal authenticated");
    Result started = cli().run("run", "mortal", "test.sleep", "30", "--async", "--timeout", "8");
    String jid = jid(started);
    await(() -> mortal.count("job " + jid + ": running") >= 1, mortal, "the job started");

    mortal.kill();
    // Within the job's timeout brine cannot tell a dead minion from a slow one: still running.
    Result running = cli().run("jobs", "show", jid);
    Result shown = cli().run("jobs", "show", jid, "--wait");

    assertThat(running.exitCode()).as(running.toString()).isEqualTo(5);
    assertThat(running.out()).contains("mortal:", "Minion is still running the job. [Running]");
    assertThat(running.out()).doesNotContain("did not return");
    assertThat(shown.exitCode()).as(shown.toString()).isEqualTo(4);
    assertThat(shown.out()).contains("mortal:", "Minion did not return. [No response]");
  }

  @Test
  @Order(9)
  void jobsList_andShow_readTheCache_andSurviveAMasterKill_midJob() throws Exception {
    Result ping = cli().run("run", "-L", "db1,web1,web2", "test.ping", "--async");
    String jid = jid(ping);
    await(() -> cli().run("jobs", "show", jid).exitCode() == 0, minions.get("web1"), "returns");
    // Still running when the master dies: web1 keeps its return and sends it after reconnecting.
    String running = jid(cli().run("run", "web1", "test.sleep", "3", "--async"));
    await(() -> minions.get("web1").count("job " + running + ": running") >= 1,
        minions.get("web1"), "the sleep started");

    master.kill();
    master = MasterProcess.startWithConfig(config);
    master.unseal(unsealKey);
    Result listed = cli().run("jobs", "list");
    Result shown = cli().run("jobs", "show", jid, "--out", "json");

    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out()).contains(jid, "test.ping");
    assertThat(shown.exitCode()).as(shown.toString()).isZero();
    assertThat(JSON.readTree(shown.out()).size()).isEqualTo(3);
    await(() -> cli().run("jobs", "show", running).exitCode() == 0, minions.get("web1"),
        "the return of the job that was running when the master died");
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String jid(Result async) {
    Matcher m = Pattern.compile("job ID: (\\d{20})").matcher(async.out());
    assertThat(m.find()).as(async.toString()).isTrue();
    return m.group(1);
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static void await(BooleanSupplier condition, MinionProcess minion, String what)
      throws InterruptedException {
    Await.until(condition, master, minion, what);
  }
}
