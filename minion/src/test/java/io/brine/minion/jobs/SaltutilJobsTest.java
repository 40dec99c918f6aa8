package io.brine.minion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.Processes;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.SaltutilRunning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * saltutil.running, find_job, kill_job, term_job and signal_job as jobs of a real runner, against
 * other jobs of the same runner that run real commands.
 */
class SaltutilJobsTest {
  private static final long WAIT_S = 30;

  @TempDir Path dir;

  private JobRunner runner;
  private int jidCounter;

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close();
    }
  }

  private JobRunner runner() {
    try {
      runner =
          new JobRunner(
              FunctionRegistry.builtIn(),
              new TestContext(dir),
              4,
              JidMemory.open(dir.resolve("cache"), Duration.ofMinutes(5), Clock.systemUTC()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runner;
  }

  private JobCall call(String fun, List<Object> args, Map<String, Object> kwargs) {
    jidCounter++;
    return new JobCall(
        String.format("20261203091500%06d", jidCounter),
        Instant.now(),
        fun,
        args,
        kwargs,
        Duration.ofSeconds(WAIT_S));
  }

  private CompletableFuture<JobResult> submit(JobCall call) {
    return runner.submit(call, new JobTarget("web*", "glob")).orElseThrow();
  }

  private JobResult run(String fun, Object... args) throws Exception {
    return submit(call(fun, List.of(args), Map.of())).get(WAIT_S, TimeUnit.SECONDS);
  }

  /** A job running {@code sleep 60} in a child; returns the child's pid once it runs. */
  private long sleeper(JobCall call) throws Exception {
    submit(call);
    return Processes.awaitPidFile(dir.resolve(call.jid() + ".pid"), WAIT_S);
  }

  private JobCall sleeperCall() {
    jidCounter++;
    String jid = String.format("20261203091500%06d", jidCounter);
    return new JobCall(
        jid,
        Instant.now(),
        "cmd.run",
        List.of("sleep 60 & echo $! > " + dir.resolve(jid + ".pid") + "; wait"),
        Map.of("timeout", 50),
        Duration.ofSeconds(WAIT_S));
  }

  @Test
  void running_listsTheOtherJobs_inSaltsShape_andNotItself() throws Exception {
    runner();
    JobCall sleeping = sleeperCall();
    sleeper(sleeping);

    JobResult running = run("saltutil.running");

    assertThat(running.retcode()).as(running.toString()).isZero();
    assertThat(running.ret())
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .singleElement()
        .isEqualTo(
            Map.of(
                "jid", sleeping.jid(),
                "fun", "cmd.run",
                "arg", List.of(sleeping.args().get(0), Map.of("timeout", 50, "__kwarg__", true)),
                "pid", ProcessHandle.current().pid(),
                "tgt", "web*",
                "tgt_type", "glob"));
    JobResult found = run("saltutil.find_job", sleeping.jid());
    assertThat(found.ret()).asInstanceOf(Assertions.MAP).containsEntry("jid", sleeping.jid());
    assertThat(run("saltutil.find_job", "20990101000000000000").ret()).isEqualTo(Map.of());
  }

  @Test
  void killJob_stopsTheJob_withAClearFailure_andKillsItsProcesses() throws Exception {
    runner();
    JobCall sleeping = sleeperCall();
    CompletableFuture<JobResult> sleeperResult = submit(sleeping);
    long child = Processes.awaitPidFile(dir.resolve(sleeping.jid() + ".pid"), WAIT_S);

    JobResult kill = run("saltutil.kill_job", sleeping.jid());

    assertThat(kill.ret())
        .isEqualTo(
            "Signal 9 sent to job " + sleeping.jid() + " at pid " + ProcessHandle.current().pid());
    JobResult killed = sleeperResult.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(killed.retcode()).isEqualTo(1);
    assertThat(killed.ret()).isEqualTo("cmd.run was stopped by saltutil.kill_job (SIGKILL)");
    assertThat(Processes.awaitDead(child, WAIT_S)).as("the job's command").isTrue();
    assertThat(run("saltutil.running").ret())
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .isEmpty();
    assertThat(run("saltutil.kill_job", sleeping.jid()).ret())
        .as("no such job any more")
        .isEqualTo("");
  }

  @Test
  void termJob_andSignalJob_stopTheJob_withTheirSignal() throws Exception {
    runner();
    JobCall first = sleeperCall();
    CompletableFuture<JobResult> firstResult = submit(first);
    long firstChild = Processes.awaitPidFile(dir.resolve(first.jid() + ".pid"), WAIT_S);
    JobCall second = sleeperCall();
    CompletableFuture<JobResult> secondResult = submit(second);
    long secondChild = Processes.awaitPidFile(dir.resolve(second.jid() + ".pid"), WAIT_S);

    assertThat(run("saltutil.term_job", first.jid()).ret()).asString().startsWith("Signal 15 ");
    assertThat(run("saltutil.signal_job", second.jid(), "SIGKILL").ret())
        .asString()
        .startsWith("Signal 9 ");

    assertThat(firstResult.get(WAIT_S, TimeUnit.SECONDS).ret())
        .isEqualTo("cmd.run was stopped by saltutil.term_job (SIGTERM)");
    assertThat(secondResult.get(WAIT_S, TimeUnit.SECONDS).ret())
        .isEqualTo("cmd.run was stopped by saltutil.kill_job (SIGKILL)");
    assertThat(Processes.awaitDead(firstChild, WAIT_S)).isTrue();
    assertThat(Processes.awaitDead(secondChild, WAIT_S)).isTrue();
  }

  @Test
  void signalJob_refusesASignalItCannotSend_andKillJobNeedsAJid() throws Exception {
    runner();
    JobResult hup = run("saltutil.signal_job", "20261203091500000001", 1);
    assertThat(hup.retcode()).isEqualTo(1);
    assertThat(hup.ret())
        .isEqualTo(
            "Passed invalid arguments: saltutil.signal_job: 'sig' must be 9 (SIGKILL) or 15"
                + " (SIGTERM), not '1'");
    assertThat(run("saltutil.kill_job").ret())
        .isEqualTo("Passed invalid arguments: saltutil.kill_job is missing the required argument 'jid'");
  }

  @Test
  void outsideARunner_theFunctionsSaySo() {
    FunctionCall call = new FunctionCall(List.of(), Map.of(), new TestContext(dir));
    Assertions.assertThatThrownBy(() -> new SaltutilRunning().call(call))
        .isInstanceOf(FunctionException.class)
        .hasMessage("saltutil.running runs only as a job of a minion's runner");
  }
}
