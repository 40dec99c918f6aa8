package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's execution modules through {@code brine run}, a real master and a real minion: the file
 * module on a real folder, file.hash, status.loadavg, sys.doc, and how a bad argument and a raising
 * function reach the operator's terminal.
 */
class ExecutionModulesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static MinionProcess web1;
  private static String token;

  @BeforeAll
  static void masterAndMinion() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\n"
            + "cachedir: "
            + dir.resolve("master/cache")
            + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    web1 = MinionProcess.start(dir.resolve("minion-web1"), "web1", master.minionPort());
    Await.until(
        () -> web1.count("authenticated to master") >= 1, master, web1, "web1 authenticated");
  }

  @AfterAll
  static void stop() {
    if (web1 != null) {
      web1.close();
    }
    if (master != null) {
      master.close();
    }
  }

  private Result run(String... args) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token).run(args);
  }

  private static JsonNode web1(Result r) throws Exception {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return JSON.readTree(r.out()).path("web1");
  }

  @Test
  void fileWrite_thenRead_replace_andHash_onTheMinionsDisk() throws Exception {
    Path f = dir.resolve("work/motd");
    Files.createDirectories(f.getParent());

    JsonNode wrote =
        web1(
            run(
                "run",
                "web1",
                "file.write",
                f.toString(),
                "hello from brine",
                "line two",
                "--out",
                "json"));
    JsonNode read = web1(run("run", "web1", "file.read", f.toString(), "--out", "json"));
    JsonNode replaced =
        web1(
            run(
                "run",
                "web1",
                "file.replace",
                f.toString(),
                "^line (two)$",
                "second \\1",
                "show_changes=False",
                "--out",
                "json"));
    JsonNode sha256 = web1(run("run", "web1", "file.hash", f.toString(), "--out", "json"));
    JsonNode md5 = web1(run("run", "web1", "file.hash", f.toString(), "form=md5", "--out", "json"));

    assertThat(wrote.asText()).isEqualTo("Wrote 2 lines to \"" + f + "\"");
    assertThat(read.asText()).isEqualTo("hello from brine\nline two\n");
    assertThat(replaced.asBoolean()).isTrue();
    byte[] now = Files.readAllBytes(f);
    assertThat(new String(now, StandardCharsets.UTF_8)).isEqualTo("hello from brine\nsecond two\n");
    assertThat(f.resolveSibling("motd.bak")).hasContent("hello from brine\nline two\n");
    assertThat(sha256.asText()).isEqualTo(hex("SHA-256", now));
    assertThat(md5.asText()).isEqualTo(hex("MD5", now));
  }

  @Test
  void statusLoadavg_andSysDoc_comeBackInSaltsShapes() throws Exception {
    JsonNode avg = web1(run("run", "web1", "status.loadavg", "--out", "json"));
    JsonNode doc = web1(run("run", "web1", "sys.doc", "file.read", "--out", "json"));

    assertThat(avg.fieldNames()).toIterable().containsExactly("1-min", "5-min", "15-min");
    avg.forEach(v -> assertThat(v.isNumber()).as(avg.toString()).isTrue());
    assertThat(doc.fieldNames()).toIterable().containsExactly("file.read");
    assertThat(doc.path("file.read").asText()).startsWith("Returns the content of a file");
  }

  @Test
  void aBadArgument_andARaisingFunction_failWithOneCleanLine() {
    Result relative = run("run", "web1", "file.read", "etc/hostname");
    Result missing = run("run", "web1", "file.read", dir.resolve("none").toString());
    Result raised = run("run", "web1", "test.exception", "boom");

    assertThat(relative.exitCode()).as(relative.toString()).isEqualTo(4);
    assertThat(relative.out())
        .contains(
            "Passed invalid arguments: file.read: 'path' must be an absolute path, got"
                + " etc/hostname");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(4);
    assertThat(missing.out()).contains("ERROR: No such file or directory: " + dir.resolve("none"));
    assertThat(raised.exitCode()).as(raised.toString()).isEqualTo(4);
    assertThat(raised.out())
        .contains("test.exception failed: RuntimeException: boom")
        .doesNotContain("\tat ");
    assertThat(raised.err()).doesNotContain("Exception");
  }

  private static String hex(String algorithm, byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
  }
}
