package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.Processes;
import io.brine.minion.functions.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cmd.run, cmd.run_all, cmd.retcode, all through a real /bin/sh. */
class CmdFunctionsTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  private FunctionOutput run(String cmd, Map<String, Object> kwargs) throws Exception {
    return new CmdRun().call(ctx.call(List.of(cmd), kwargs));
  }

  @Test
  void run_returnsStdoutThenStderr_andTheExitStatus() throws Exception {
    FunctionOutput out = run("echo hi; echo err >&2; exit 3", Map.of());

    assertThat(out).isEqualTo(new FunctionOutput("hi\nerr", 3));
  }

  @Test
  void run_ofFalse_hasRetcode1_andOfTrue0() throws Exception {
    assertThat(run("false", Map.of())).isEqualTo(new FunctionOutput("", 1));
    assertThat(run("true", Map.of())).isEqualTo(new FunctionOutput("", 0));
    assertThat(run("echo only-err >&2", Map.of()).value()).isEqualTo("only-err");
  }

  @Test
  void runAll_givesPidRetcodeStdoutAndStderrApart() throws Exception {
    FunctionOutput out =
        new CmdRunAll().call(ctx.call(List.of("echo out; echo err >&2; exit 2"), Map.of()));

    assertThat(out.retcode()).isEqualTo(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> ret = (Map<String, Object>) out.value();
    assertThat(ret).containsOnlyKeys("pid", "retcode", "stdout", "stderr");
    assertThat(ret).containsEntry("retcode", 2).containsEntry("stdout", "out");
    assertThat(ret).containsEntry("stderr", "err");
    assertThat((Long) ret.get("pid")).isPositive();
  }

  @Test
  void retcode_isTheValue_theJobSucceeds() throws Exception {
    assertThat(new CmdRetcode().call(ctx.call("exit 7"))).isEqualTo(new FunctionOutput(7, 0));
  }

  @Test
  void cwd_positionalOrByName_isWhereTheCommandRuns() throws Exception {
    Path real = dir.toRealPath();
    assertThat(new CmdRun().call(ctx.call("pwd -P", real.toString())).value())
        .isEqualTo(real.toString());
    assertThat(run("pwd -P", Map.of("cwd", real.toString())).value()).isEqualTo(real.toString());
  }

  @Test
  void cwd_mustBeAnExistingAbsoluteDirectory() {
    assertThatThrownBy(() -> run("true", Map.of("cwd", dir.resolve("missing").toString())))
        .isInstanceOf(FunctionException.class)
        .hasMessageStartingWith("cmd.run: 'cwd' is not a directory: ");
    assertThatThrownBy(() -> run("true", Map.of("cwd", "relative/dir")))
        .hasMessage("cmd.run: 'cwd' must be an absolute path: relative/dir");
  }

  @Test
  void env_asMap_asJson_asPairs_addsToTheEnvironment() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("BRINE_A", "one");
    map.put("BRINE_B", 2);
    assertThat(run("echo $BRINE_A-$BRINE_B-${PATH:+path}", Map.of("env", map)).value())
        .as("the minion's own environment is kept")
        .isEqualTo("one-2-path");
    assertThat(run("echo $BRINE_A", Map.of("env", "{\"BRINE_A\": \"json\"}")).value())
        .isEqualTo("json");
    assertThat(run("echo $BRINE_A/$BRINE_B", Map.of("env", "BRINE_A=x=1,BRINE_B=y")).value())
        .isEqualTo("x=1/y");
  }

  @Test
  void env_thatCannotBeRead_isRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> run("true", Map.of("env", "{\"secret\": ")))
        .hasMessage("cmd.run: 'env' is not a valid JSON object");
    assertThatThrownBy(() -> run("true", Map.of("env", "PASSWORD")))
        .hasMessage("cmd.run: 'env' must be a map, a JSON object or K=V,K2=V2")
        .hasMessageNotContaining("PASSWORD");
  }

  @Test
  void stdin_isDevNull() throws Exception {
    assertThat(run("cat; echo done", Map.of())).isEqualTo(new FunctionOutput("done", 0));
  }

  @Test
  void bigStdoutAndStderrTogether_doNotDeadlock() throws Exception {
    // 300 kB on each stream, far past a 64 kB pipe: reading one stream at a time would hang.
    String cmd = "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o";
    FunctionOutput out = new CmdRunAll().call(ctx.call(cmd));
    @SuppressWarnings("unchecked")
    Map<String, Object> ret = (Map<String, Object>) out.value();
    assertThat((String) ret.get("stdout")).hasSize(300_000).matches("o+");
    assertThat((String) ret.get("stderr")).hasSize(300_000).matches("e+");
  }

  @Test
  void output_isCappedAt1MiB_withAMarker() throws Exception {
    FunctionOutput out =
        new CmdRunAll().call(ctx.call("head -c 3000000 /dev/zero | tr '\\0' a; echo tail >&2"));
    @SuppressWarnings("unchecked")
    Map<String, Object> ret = (Map<String, Object>) out.value();
    String stdout = (String) ret.get("stdout");
    assertThat(stdout).startsWith("aaaa").endsWith("a\n[output truncated]");
    assertThat(stdout).hasSize((1 << 20) + "\n[output truncated]".length());
    assertThat(ret).containsEntry("stderr", "tail").containsEntry("retcode", 0);
  }

  @Test
  void timeout_killsTheCommandAndItsChildren_retcode124() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    String cmd = "echo started; sleep 60 & echo $! > " + pidFile + "; wait";

    FunctionOutput out = run(cmd, Map.of("timeout", "1"));

    assertThat(out.retcode()).isEqualTo(124);
    assertThat(out.value()).isEqualTo("started\n[timed out after 1 s; process killed]");
    long child = Processes.awaitPidFile(pidFile, 20);
    assertThat(Processes.awaitDead(child, 20)).as("the shell's child sleep").isTrue();
  }

  @Test
  void interrupt_killsTheCommandAndItsChildren() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    String cmd = "sleep 60 & echo $! > " + pidFile + "; wait";
    Thread caller = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                Processes.awaitPidFile(pidFile, 20);
              } catch (Exception e) {
                // the assertion below fails instead
              }
              caller.interrupt();
            });
    interrupter.start();

    assertThatThrownBy(() -> run(cmd, Map.of())).isInstanceOf(InterruptedException.class);

    interrupter.join();
    long child = Processes.awaitPidFile(pidFile, 1);
    assertThat(Processes.awaitDead(child, 20)).isTrue();
  }

  @Test
  void badArguments_areRefused() {
    assertThatThrownBy(() -> run("  ", Map.of())).hasMessage("cmd.run: 'cmd' is empty");
    assertThatThrownBy(() -> run("true", Map.of("timeout", "0")))
        .hasMessage("cmd.run: 'timeout' must be more than 0 seconds");
    assertThatThrownBy(() -> run("true", Map.of("runas", "root")))
        .hasMessage("cmd.run got an unexpected keyword argument 'runas'");
  }

  @Test
  void nonUtf8Output_isReplacedNotFatal() throws Exception {
    Files.write(dir.resolve("bytes"), new byte[] {'o', 'k', (byte) 0xff});
    assertThat(run("cat " + dir.resolve("bytes"), Map.of()).value()).isEqualTo("ok\uFFFD");
  }
}
