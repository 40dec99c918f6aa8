package io.brine.minion.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.common.log.LogLines;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.Processes;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.TestSleep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {
  /** Test-wait limit only: nothing here is expected to take more than a fraction of it. */
  private static final long WAIT_S = 30;

  @TempDir Path dir;

  private JobRunner runner;
  private int jidCounter;

  @AfterEach
  void closeRunner() {
    if (runner != null) {
      runner.close();
    }
  }

  private JobRunner runner(int threads) {
    runner = new JobRunner(FunctionRegistry.builtIn(), new TestContext(dir), threads, jids());
    return runner;
  }

  private JidMemory jids() {
    return jids("cache");
  }

  private JidMemory jids(String cachedir) {
    try {
      return JidMemory.open(dir.resolve(cachedir), Duration.ofMinutes(5), Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JobCall call(String fun, Object... args) {
    return call(fun, List.of(args), Map.of(), Duration.ofSeconds(WAIT_S));
  }

  private JobCall call(
      String fun, List<Object> args, Map<String, Object> kwargs, Duration timeout) {
    jidCounter++;
    return new JobCall(
        String.format("20261123091500%06d", jidCounter), Instant.now(), fun, args, kwargs, timeout);
  }

  private JobResult run(JobCall call) throws Exception {
    return runner.submit(call).orElseThrow().get(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void aFunctionsValue_isTheResult_inSaltsShape() throws Exception {
    runner(2);
    JobCall ping = call("test.ping");

    JobResult r = run(ping);

    assertThat(r).isEqualTo(new JobResult(ping.jid(), "web1", "test.ping", true, 0, true));
  }

  @Test
  void aNonZeroRetcode_isNoSuccess() throws Exception {
    runner(1);
    JobResult r = run(call("cmd.run", "echo no; false"));

    assertThat(r.ret()).isEqualTo("no");
    assertThat(r.retcode()).isEqualTo(1);
    assertThat(r.success()).isFalse();
  }

  @Test
  void anUnknownFunction_isNotAvailable() throws Exception {
    runner(1);
    JobResult r = run(call("foo.bar"));

    assertThat(r.ret()).isEqualTo("'foo.bar' is not available.");
    assertThat(r.retcode()).isEqualTo(1);
    assertThat(r.success()).isFalse();
  }

  @Test
  void badArguments_arePassedInvalidArguments() throws Exception {
    runner(1);
    JobResult r = run(call("test.sleep", "abc"));

    assertThat(r.ret())
        .isEqualTo("Passed invalid arguments: test.sleep: 'length' must be a number, got 'abc'");
    assertThat(r.retcode()).isEqualTo(1);
    assertThat(r.success()).isFalse();
  }

  @Test
  void anyOtherException_isOneLine() throws Exception {
    runner(1);
    JobResult r = run(call("cp.get_file", "salt://nosuch", dir.resolve("x").toString()));

    assertThat(r.ret())
        .isEqualTo(
            "cp.get_file failed: salt://nosuch: no such file on the master");
    assertThat(r.retcode()).isEqualTo(1);
    assertThat(r.success()).isFalse();

    runner.close();
    MinionFunction broken =
        new MinionFunction() {
          @Override
          public String name() {
            return "broken.fn";
          }

          @Override
          public String doc() {
            return "throws";
          }

          @Override
          public FunctionOutput call(FunctionCall call) {
            throw new IllegalStateException("first line\nsecond line");
          }
        };
    runner = new JobRunner(FunctionRegistry.of(broken), new TestContext(dir), 1, jids());
    assertThat(run(call("broken.fn")).ret())
        .isEqualTo("broken.fn failed: IllegalStateException: first line second line");
  }

  @Test
  void aTimeout_interruptsTheFunction_124_andFreesTheThread() throws Exception {
    runner(1);

    JobResult r = run(call("test.sleep", List.of("30"), Map.of(), Duration.ofSeconds(1)));

    assertThat(r.ret()).isEqualTo("test.sleep timed out after 1 s");
    assertThat(r.retcode()).isEqualTo(124);
    assertThat(r.success()).isFalse();
    // One thread: the next job runs only if the sleeping function gave it back.
    assertThat(run(call("test.echo", "next")).ret()).isEqualTo("next");
  }

  @Test
  void aTimeout_killsTheCommandsProcessTree() throws Exception {
    runner(1);
    Path pidFile = dir.resolve("child.pid");
    String cmd = "sleep 60 & echo $! > " + pidFile + "; wait";

    JobResult r = run(call("cmd.run", List.of(cmd), Map.of(), Duration.ofMillis(1500)));

    assertThat(r.retcode()).isEqualTo(124);
    assertThat(r.ret()).isEqualTo("cmd.run timed out after 1.5 s");
    long child = Processes.awaitPidFile(pidFile, WAIT_S);
    assertThat(Processes.awaitDead(child, WAIT_S)).isTrue();
  }

  @Test
  void aJid_runsOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MinionFunction counter =
        new MinionFunction() {
          @Override
          public String name() {
            return "count.up";
          }

          @Override
          public String doc() {
            return "counts";
          }

          @Override
          public FunctionOutput call(FunctionCall call) {
            return FunctionOutput.ok(calls.incrementAndGet());
          }
        };
    runner = new JobRunner(FunctionRegistry.of(counter), new TestContext(dir), 2, jids());
    JobCall c = call("count.up");

    Optional<CompletableFuture<JobResult>> first = runner.submit(c);
    assertThat(first).isPresent();
    assertThat(first.get().get(WAIT_S, TimeUnit.SECONDS).ret()).isEqualTo(1);

    assertThat(runner.submit(c)).as("already run").isEmpty();
    assertThat(
            runner.submit(
                new JobCall(
                    c.jid(), c.published(), "count.up", List.of(), Map.of(),
                    Duration.ofSeconds(5))))
        .as("same jid, another call object")
        .isEmpty();
    assertThat(calls).hasValue(1);
  }

  @Test
  void aJid_isOnDiskBeforeItsFunctionStarts_andRunsOnceAcrossARestart() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Path memoryFile = dir.resolve("cache").resolve(JidMemory.FILE);
    MinionFunction counter =
        new MinionFunction() {
          @Override
          public String name() {
            return "count.up";
          }

          @Override
          public String doc() {
            return "counts, and says whether its jid was already on disk";
          }

          @Override
          public FunctionOutput call(FunctionCall call) {
            calls.incrementAndGet();
            try {
              return FunctionOutput.ok(Files.readString(memoryFile));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    runner = new JobRunner(FunctionRegistry.of(counter), new TestContext(dir), 1, jids());
    JobCall c = call("count.up");
    assertThat(run(c).ret().toString()).as("the memory as the function saw it").contains(c.jid());
    runner.close();

    runner = new JobRunner(FunctionRegistry.of(counter), new TestContext(dir), 1, jids());

    assertThat(runner.submit(c)).as("after a restart").isEmpty();
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPublicationOutsideTheTimeWindow_isRefused() throws Exception {
    runner(1);
    JobCall stale =
        new JobCall(
            "20261123091500999998",
            Instant.now().minus(Duration.ofMinutes(6)),
            "test.ping",
            List.of(),
            Map.of(),
            Duration.ofSeconds(5));
    JobCall future =
        new JobCall(
            "20261123091500999999",
            Instant.now().plus(Duration.ofMinutes(2)),
            "test.ping",
            List.of(),
            Map.of(),
            Duration.ofSeconds(5));

    try (LogLines lines = LogLines.of(JobRunner.class)) {
      assertThat(runner.submit(stale)).isEmpty();
      assertThat(runner.submit(future)).isEmpty();
      Thread.sleep(1_100); // the stale one is older now: its refusal's figures change
      assertThat(runner.submit(stale)).as("replayed").isEmpty();
      assertThat(lines.containing("refused job 20261123091500999998"))
          .as("one line per jid and kind of refusal, however often it is replayed")
          .hasSize(1);
    }
    assertThat(run(call("test.ping")).success()).as("a fresh one runs").isTrue();
  }

  @Test
  void aJid_thatIsRunning_isNotStartedAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    MinionFunction gate =
        new MinionFunction() {
          @Override
          public String name() {
            return "gate.wait";
          }

          @Override
          public String doc() {
            return "waits";
          }

          @Override
          public FunctionOutput call(FunctionCall call) throws InterruptedException {
            release.await();
            return FunctionOutput.ok(true);
          }
        };
    runner = new JobRunner(FunctionRegistry.of(gate), new TestContext(dir), 2, jids());
    JobCall c = call("gate.wait");

    CompletableFuture<JobResult> running = runner.submit(c).orElseThrow();
    assertThat(runner.submit(c)).isEmpty();
    release.countDown();
    assertThat(running.get(WAIT_S, TimeUnit.SECONDS).success()).isTrue();
  }

  @Test
  void jobsRunOnTheRunnersThreads() throws Exception {
    AtomicReference<String> threadName = new AtomicReference<>();
    MinionFunction where =
        new MinionFunction() {
          @Override
          public String name() {
            return "thread.name";
          }

          @Override
          public String doc() {
            return "names the thread";
          }

          @Override
          public FunctionOutput call(FunctionCall call) {
            threadName.set(Thread.currentThread().getName());
            return FunctionOutput.ok(null);
          }
        };
    runner =
        new JobRunner(
            FunctionRegistry.of(where, new TestSleep()), new TestContext(dir), 1, jids());

    run(call("thread.name"));

    assertThat(threadName.get())
        .startsWith("brine-job-")
        .isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void close_killsARunningCommandsChildren_andCompletesEveryFuture() throws Exception {
    runner(1);
    Path pidFile = dir.resolve("child.pid");
    String cmd = "sleep 60 & echo $! > " + pidFile + "; wait";
    CompletableFuture<JobResult> running = runner.submit(call("cmd.run", cmd)).orElseThrow();
    CompletableFuture<JobResult> waiting = runner.submit(call("test.ping")).orElseThrow();
    long child = Processes.awaitPidFile(pidFile, WAIT_S);
    assertThat(Processes.isDead(child)).isFalse();

    runner.close();

    assertThat(Processes.awaitDead(child, WAIT_S)).as("the command's child").isTrue();
    JobResult r = running.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(r.ret()).isEqualTo("the minion is shutting down; cmd.run was stopped");
    assertThat(r.retcode()).isEqualTo(1);
    assertThat(waiting.get(WAIT_S, TimeUnit.SECONDS).ret())
        .isEqualTo("the minion is shutting down; test.ping was stopped");
    assertThat(
            runner.submit(call("test.ping")).orElseThrow().get(WAIT_S, TimeUnit.SECONDS).success())
        .as("after close")
        .isFalse();
  }

  @Test
  void runnersOnSharedThreads_closeAlone_andLeaveTheThreadsToTheirOwner() throws Exception {
    try (JobThreads shared = JobThreads.create(1, 2)) {
      JobRunner one =
          new JobRunner(FunctionRegistry.builtIn(), new TestContext(dir), shared, jids("one"));
      runner = new JobRunner(FunctionRegistry.builtIn(), new TestContext(dir), shared, jids());
      Path pidFile = dir.resolve("child.pid");
      String cmd = "sleep 60 & echo $! > " + pidFile + "; wait";
      CompletableFuture<JobResult> oneRunning = one.submit(call("cmd.run", cmd)).orElseThrow();
      long child = Processes.awaitPidFile(pidFile, WAIT_S);
      CompletableFuture<JobResult> otherWaiting = runner.submit(call("test.ping")).orElseThrow();
      CompletableFuture<JobResult> oneWaiting = one.submit(call("test.ping")).orElseThrow();
      JobResult full = runner.submit(call("test.ping")).orElseThrow().get(WAIT_S, TimeUnit.SECONDS);
      assertThat(full.ret())
          .as("the shared queue holds 2")
          .isEqualTo("the minion has 2 jobs waiting; test.ping refused");

      one.close();

      assertThat(Processes.awaitDead(child, WAIT_S)).as("the closed runner's command").isTrue();
      assertThat(oneRunning.get(WAIT_S, TimeUnit.SECONDS).ret())
          .isEqualTo("the minion is shutting down; cmd.run was stopped");
      assertThat(oneWaiting.get(WAIT_S, TimeUnit.SECONDS).retcode()).isEqualTo(1);
      assertThat(otherWaiting.get(WAIT_S, TimeUnit.SECONDS).success())
          .as("the other runner's job runs on the threads the first left running")
          .isTrue();
      assertThat(run(call("test.ping")).success()).isTrue();
      JobResult afterClose =
          one.submit(call("test.ping")).orElseThrow().get(WAIT_S, TimeUnit.SECONDS);
      assertThat(afterClose.success()).as("the closed runner").isFalse();
    }
  }

  @Test
  void jobCalls_areChecked() {
    Instant now = Instant.now();
    assertThatThrownBy(
            () -> new JobCall("../x", now, "test.ping", null, null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jid must be 1 to 64 letters, digits, '_', '-' or '.'");
    assertThatThrownBy(() -> new JobCall("1", now, "test.ping", null, null, Duration.ZERO))
        .hasMessage("job 1: the timeout must be positive");
    assertThatThrownBy(
            () -> new JobRunner(FunctionRegistry.builtIn(), new TestContext(dir), 0, jids()))
        .hasMessage("a job runner needs at least 1 thread, not 0");
    JobCall c = new JobCall("1", Instant.now(), "test.ping", null, null, Duration.ofSeconds(1));
    assertThat(c.args()).isEmpty();
    assertThat(c.kwargs()).isEmpty();
  }
}
