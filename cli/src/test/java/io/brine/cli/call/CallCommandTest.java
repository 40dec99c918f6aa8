package io.brine.cli.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine call}, Salt's salt-call: functions of the minion's registry run in the CLI's own
 * process, printed under {@code local:}, with no master and, under {@code --local}, no config file.
 */
class CallCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A real brine process whose HOME and working folder are an empty folder: a bare host. */
  private Result bareHost(String... args) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder =
        new ProcessBuilder(
                // The CLI's own logging configuration, as an installed brine has: the test
                // classpath holds two logback-test.xml, whose warning logback prints on stdout.
                MasterProcess.java(
                    List.of("-Dlogback.configurationFile=logback.xml"), "io.brine.cli.Brine", args))
            .directory(home.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().keySet().removeIf(k -> k.startsWith("BRINE_"));
    Process p = builder.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("brine call ends").isTrue();
    assertThat(home.toFile().list()).as("nothing written in HOME").isEmpty();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void local_testPing_onABareHost_printsLocalTrue() throws Exception {
    Result r = bareHost("call", "--local", "test.ping");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("local:" + System.lineSeparator() + "    True" + System.lineSeparator());
    assertThat(r.err()).isEmpty();
  }

  @Test
  void local_json_isSaltsShape_andTheIdIsTheHostName() throws Exception {
    Result r = bareHost("call", "--local", "--out", "json", "grains.get", "id");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode doc = JSON.readTree(r.out());
    assertThat(doc.fieldNames()).toIterable().containsExactly("local");
    assertThat(doc.path("local").asText())
        .isEqualTo(java.net.InetAddress.getLocalHost().getHostName());
  }

  @Test
  void id_andKeywordArguments_reachTheFunction() throws Exception {
    Result r = new Cli().run("call", "--local", "--id", "web9", "--out", "json", "grains.get", "id");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).path("local").asText()).isEqualTo("web9");
    Result echo = new Cli().run("call", "--local", "--out", "yaml", "test.echo", "text=hello");
    assertThat(echo.exitCode()).as(echo.toString()).isZero();
    assertThat(echo.out()).isEqualTo("local: hello" + System.lineSeparator());
  }

  @Test
  void retcodePassthrough_exitsWithTheFunctionsRetcode_otherwiseZero() throws Exception {
    Result plain = new Cli().run("call", "--local", "cmd.run", "echo out; exit 3");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(plain.out()).contains("local:").contains("    out");
    Result passed =
        new Cli().run("call", "--local", "--retcode-passthrough", "cmd.run", "echo out; exit 3");
    assertThat(passed.exitCode()).as(passed.toString()).isEqualTo(3);
  }

  @Test
  void unknownFunction_andBadArguments_saySoInSaltsWords_andExit1() {
    Result unknown = new Cli().run("call", "--local", "no.such");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.out()).contains("local:").contains("'no.such' is not available.");
    Result bad = new Cli().run("call", "--local", "test.echo");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.out()).contains("Passed invalid arguments: ");
  }

  @Test
  void cpGetFile_underCall_refusesInOneLine_andWritesNothing() throws Exception {
    Path dest = dir.resolve("fetched.txt");
    Result r = new Cli().run("call", "--local", "cp.get_file", "salt://a.txt", dest.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("does not reach the master's file server").contains("--local");
    assertThat(dest).doesNotExist();
  }

  @Test
  void withoutLocal_theConfigIsRequired_andWithLocalItsIdIsUsed() throws Exception {
    Result none = new Cli().run("call", "test.ping");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("--config FILE or -c DIR").contains("--local");

    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.writeString(
        etc.resolve("minion"),
        "master: 127.0.0.1\nid: db7\npki_dir: " + dir.resolve("pki") + "\n");
    Result fromDir =
        new Cli().run("call", "--local", "-c", etc.toString(), "--out", "json", "grains.get", "id");
    assertThat(fromDir.exitCode()).as(fromDir.toString()).isZero();
    assertThat(JSON.readTree(fromDir.out()).path("local").asText()).isEqualTo("db7");
    Result fromFile =
        new Cli().run("call", "--local", "--config", etc.resolve("minion").toString(), "--out",
            "json", "grains.get", "id");
    assertThat(JSON.readTree(fromFile.out()).path("local").asText()).isEqualTo("db7");
    assertThat(dir.resolve("pki")).as("a call makes no keys").doesNotExist();
  }

  @Test
  void local_withAConfigFolderThatHasNoMinionFile_runsOnDefaults() {
    Result r = new Cli().run("call", "--local", "-c", dir.toString(), "test.ping");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("True");
  }

  @Test
  void aBadLogLevel_isAUsageError() {
    Result r = new Cli().run("call", "--local", "-l", "loud", "test.ping");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--log-level must be");
  }
}
