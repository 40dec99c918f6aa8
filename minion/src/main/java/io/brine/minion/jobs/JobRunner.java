package io.brine.minion.jobs;

import io.brine.minion.functions.ChildProcesses;
import io.brine.minion.functions.DurationText;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.JobControl;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the master's jobs on threads of its own, never the caller's (a Netty event loop), each under
 * its timeout, each jid once.
 *
 * <p>The result of a job ({@link JobResult}; {@code success} is always {@code retcode == 0}):
 *
 * <ul>
 *   <li>the function returned: its value as {@code ret}, its retcode (0 normally; a command's exit
 *       status for cmd.run, so {@code cmd.run false} is retcode 1, success false: the function ran,
 *       the command failed).
 *   <li>unknown function: retcode 1, ret {@code "'foo.bar' is not available."} (Salt's words).
 *   <li>bad arguments ({@link FunctionException}): retcode 1, ret {@code "Passed invalid arguments:
 *       "} and the one-line message (Salt's words).
 *   <li>timeout: the function's thread is interrupted and every process it started through {@link
 *       ChildProcesses} is killed with its descendants; retcode 124 (timeout(1)'s), ret {@code
 *       "test.sleep timed out after 5 s"}. The clock starts when the function starts, not while the
 *       job waits for a free thread. The result is sent at the deadline, whether or not the
 *       function has noticed its interrupt yet.
 *   <li>any other exception: retcode 1, ret {@code "cmd.run failed: Type: message"} in one line;
 *       the stack trace goes to the log at debug only.
 *   <li>stopped by {@code saltutil.kill_job} or {@code term_job} (through {@link JobControl}):
 *       the function is interrupted and its processes get the signal; retcode 1, ret {@code
 *       "test.sleep was stopped by saltutil.kill_job (SIGKILL)"}, sent at once.
 *   <li>the runner is closed, or its threads' queue is full ({@value #MAX_QUEUED} jobs waiting, for
 *       a runner with threads of its own): retcode 1, ret one line saying so.
 * </ul>
 *
 * <p>Each jid runs once, ever: {@link #submit} refuses (empty, and one WARN line naming the jid and
 * why) a publication that {@link JidMemory} says may not run: published too long ago or too far
 * ahead of this clock, or already run here, before or since a restart. A job's jid is written to
 * the memory, synced, on its job thread before its function starts, so a crash mid-job never lets
 * it run again. Futures complete on a runner thread; a caller that does more than hand the result
 * to a channel should hop to its own executor.
 */
public final class JobRunner implements AutoCloseable {
  static final int TIMED_OUT = 124;
  static final int MAX_QUEUED = 10_000;

  /**
   * Refusals logged at WARN, by jid and reason: a publication injected again and again is one
   * line, not a flood. Beyond this many the oldest are forgotten.
   */
  private static final int WARNED_JIDS = 1_024;

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final FunctionRegistry registry;
  private final FunctionContext context;
  private final JobThreads threads;
  private final boolean ownsThreads;
  private final Object lock = new Object();
  private final JidMemory jids;
  private final Map<String, Execution> active = new HashMap<>();
  private final Map<String, Boolean> warned =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > WARNED_JIDS;
        }
      };
  private boolean closed;

  /**
   * A runner with {@code threads} job threads of its own, closed with it, as is {@code jids}.
   */
  public JobRunner(
      FunctionRegistry registry, FunctionContext context, int threads, JidMemory jids) {
    this(registry, context, JobThreads.create(threads, MAX_QUEUED), true, jids);
  }

  /**
   * A runner on {@code shared} threads that other runners use too (many minions in one JVM);
   * {@link #close} closes {@code jids} but leaves the threads running for their owner to close.
   */
  public JobRunner(
      FunctionRegistry registry, FunctionContext context, JobThreads shared, JidMemory jids) {
    this(registry, context, shared, false, jids);
  }

  private JobRunner(
      FunctionRegistry registry,
      FunctionContext context,
      JobThreads threads,
      boolean ownsThreads,
      JidMemory jids) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.context = Objects.requireNonNull(context, "context");
    this.threads = Objects.requireNonNull(threads, "threads");
    this.ownsThreads = ownsThreads;
    this.jids = Objects.requireNonNull(jids, "jids");
  }

  /**
   * Queues the call; empty when it may not run (already run or running, or published outside the
   * time the minion accepts), with one WARN line.
   *
   * @return the result to come, completed exactly once
   */
  public Optional<CompletableFuture<JobResult>> submit(JobCall call) {
    return submit(call, null);
  }

  /**
   * {@link #submit(JobCall)}, with the target the job was published to, for {@code
   * saltutil.running}.
   */
  public Optional<CompletableFuture<JobResult>> submit(JobCall call, JobTarget target) {
    Objects.requireNonNull(call, "call");
    synchronized (lock) {
      String refusal =
          active.containsKey(call.jid())
              ? "it is running here"
              : jids.refusal(call.jid(), call.published());
      if (refusal != null) {
        // The jid (checked to be printable) and the reason; never the job's function or arguments.
        // Keyed without the figures, which grow with each replay ("published 601 s ago"): one
        // line per jid and kind of refusal, however often it is replayed.
        if (warned.put(call.jid() + " " + refusal.replaceAll("[0-9][0-9.,]*", "#"), Boolean.TRUE)
            == null) {
          log.warn("refused job {}: {}", call.jid(), refusal);
        } else {
          log.debug("refused job {} again: {}", call.jid(), refusal);
        }
        return Optional.empty();
      }
      Execution e = new Execution(call, target);
      if (closed) {
        e.finish(shuttingDown(call));
        return Optional.of(e.future);
      }
      active.put(call.jid(), e);
      try {
        threads.workers.execute(e);
      } catch (RejectedExecutionException full) {
        active.remove(call.jid());
        log.warn(
            "job {} ({}) refused: {} jobs are waiting",
            call.jid(),
            OneLine.of(call.fun()),
            threads.queueCapacity());
        e.finish(
            result(
                call,
                "the minion has "
                    + threads.queueCapacity()
                    + " jobs waiting; "
                    + OneLine.of(call.fun())
                    + " refused",
                1));
      }
      return Optional.of(e.future);
    }
  }

  /**
   * Interrupts the running functions and kills their child processes; waiting jobs are not run.
   * Every pending future completes (retcode 1, "the minion is shutting down"). With threads of its
   * own, waits up to 5 s for the functions to return; shared threads are left to their owner.
   */
  @Override
  public void close() {
    List<Execution> toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(active.values());
    }
    for (Execution e : toStop) {
      // stop() even when the future is done: a timed-out function may still be running.
      e.finish(shuttingDown(e.call));
      e.stop();
    }
    if (ownsThreads) {
      threads.close();
    }
    jids.close();
  }

  private JobResult result(JobCall call, Object ret, int retcode) {
    return JobResult.of(call, context.minionId().value(), ret, retcode);
  }

  private JobResult shuttingDown(JobCall call) {
    return result(
        call, "the minion is shutting down; " + OneLine.of(call.fun()) + " was stopped", 1);
  }

  /** The proc data of the started jobs that have not returned, {@code self} excepted. */
  private List<Map<String, Object>> running(Execution self) {
    List<Execution> started = new ArrayList<>();
    synchronized (lock) {
      for (Execution e : active.values()) {
        if (e != self && e.started() != null && !e.future.isDone()) {
          started.add(e);
        }
      }
    }
    started.sort(Comparator.comparing(Execution::started));
    List<Map<String, Object>> data = new ArrayList<>();
    for (Execution e : started) {
      data.add(e.procData());
    }
    return data;
  }

  /** {@link JobControl#stop} for a function running as {@code self}. */
  private Optional<Map<String, Object>> stop(
      String jid, JobControl.Signal signal, Execution self) {
    Execution e;
    synchronized (lock) {
      e = active.get(jid);
    }
    if (e == null || e == self || e.future.isDone()) {
      return Optional.empty();
    }
    Map<String, Object> was = e.procData();
    String by = signal == JobControl.Signal.KILL ? "kill_job" : "term_job";
    String message =
        OneLine.of(e.call.fun()) + " was stopped by saltutil." + by + " (SIG" + signal + ")";
    if (!e.finish(result(e.call, message, 1))) {
      return Optional.empty(); // it returned meanwhile
    }
    log.warn("job {}: {} (from job {})", jid, message, self.call.jid());
    e.stop(signal);
    return Optional.of(was);
  }

  /** One job: runs the function, and is stopped by its timer or by close(). */
  private final class Execution implements Runnable {
    final JobCall call;
    final JobTarget target;
    final CompletableFuture<JobResult> future = new CompletableFuture<>();
    private final ChildProcesses.Scope processes = new ChildProcesses.Scope();
    private Thread worker; // guarded by this: set only while the function runs
    private Instant started; // guarded by this: when the function started

    Execution(JobCall call, JobTarget target) {
      this.call = call;
      this.target = target;
    }

    synchronized Instant started() {
      return started;
    }

    /**
     * Salt's proc data: jid, fun, arg (with the kwargs last, as Salt's {@code __kwarg__} map),
     * pid (the minion's: its jobs are threads, not processes), tgt and tgt_type.
     */
    Map<String, Object> procData() {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("jid", call.jid());
      data.put("fun", call.fun());
      List<Object> arg = new ArrayList<>(call.args());
      if (!call.kwargs().isEmpty()) {
        Map<String, Object> kwarg = new LinkedHashMap<>(call.kwargs());
        kwarg.put("__kwarg__", true);
        arg.add(kwarg);
      }
      data.put("arg", arg);
      data.put("pid", ProcessHandle.current().pid());
      if (target != null) {
        data.put("tgt", target.tgt());
        data.put("tgt_type", target.tgtType());
      }
      return data;
    }

    @Override
    public void run() {
      try {
        if (future.isDone()) {
          return; // stopped while waiting for a thread
        }
        try {
          // Durable before the function starts: a crash from here on never lets it run twice.
          jids.record(call.jid(), call.published());
        } catch (IOException | RuntimeException e) {
          log.warn(
              "job {} not run: cannot record it in the jid memory: {}",
              call.jid(),
              OneLine.describe(e));
          finish(
              result(
                  call,
                  "the minion cannot record job "
                      + call.jid()
                      + " in its jid memory ("
                      + OneLine.describe(e)
                      + "); "
                      + OneLine.of(call.fun())
                      + " was not run",
                  1));
          return;
        }
        synchronized (this) {
          if (future.isDone()) {
            return; // stopped while it was being recorded
          }
          worker = Thread.currentThread();
          started = Instant.now();
        }
        ScheduledFuture<?> timer;
        try {
          timer =
              threads.timers.schedule(
                  this::timeOut, call.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
          finish(shuttingDown(call));
          return;
        }
        JobResult result;
        ChildProcesses.Binding bound = processes.bindToCurrentThread();
        ChildProcesses.Binding control = JobControl.bindToCurrentThread(new Control(this));
        try {
          result = invoke();
        } finally {
          control.unbind();
          bound.unbind();
          timer.cancel(false);
          synchronized (this) {
            worker = null;
          }
          // A timeout or close() may have interrupted the function as it returned: the thread's
          // next job must start clean.
          Thread.interrupted();
          // Whatever the function left running goes with it.
          processes.destroyAll();
        }
        if (finish(result)) {
          log.debug("job {} ({}) returned retcode {}", call.jid(), call.fun(), result.retcode());
        }
      } finally {
        synchronized (lock) {
          active.remove(call.jid(), this);
        }
      }
    }

    private JobResult invoke() {
      Optional<MinionFunction> fn = registry.find(call.fun());
      if (fn.isEmpty()) {
        return result(call, "'" + OneLine.of(call.fun()) + "' is not available.", 1);
      }
      // Never the arguments: they may hold secrets (a password in a command line).
      log.info("running {} (jid {})", call.fun(), call.jid());
      try {
        FunctionOutput out = fn.get().call(new FunctionCall(call.args(), call.kwargs(), context));
        if (out == null) {
          return result(call, call.fun() + " failed: it returned no output", 1);
        }
        return result(call, out.value(), out.retcode());
      } catch (FunctionException e) {
        return result(call, "Passed invalid arguments: " + e.getMessage(), 1);
      } catch (InterruptedException e) {
        // After a timeout or close() the future already holds the reason; this is for an
        // interrupt from elsewhere.
        return result(call, call.fun() + " was interrupted", 1);
      } catch (RuntimeException | Error e) {
        log.debug("job {} ({}) failed", call.jid(), call.fun(), e);
        return result(call, call.fun() + " failed: " + OneLine.describe(e), 1);
      }
    }

    private void timeOut() {
      String message = call.fun() + " timed out after " + DurationText.of(call.timeout());
      if (finish(result(call, message, TIMED_OUT))) {
        log.warn("job {}: {}", call.jid(), message);
        stop();
      }
    }

    /** Completes the future unless it is already; true when this call completed it. */
    boolean finish(JobResult result) {
      return future.complete(result);
    }

    /** Interrupts the function, if it is running, and kills the processes it started. */
    void stop() {
      stop(JobControl.Signal.KILL);
    }

    /** Interrupts the function, if it is running, and sends its processes the signal. */
    void stop(JobControl.Signal signal) {
      synchronized (this) {
        if (worker != null) {
          worker.interrupt();
        }
      }
      if (signal == JobControl.Signal.KILL) {
        processes.destroyAll();
      } else {
        processes.terminateAll(); // and destroyAll() when the function returns
      }
    }
  }

  /** What a function running as one job sees of the others. */
  private final class Control implements JobControl {
    private final Execution self;

    Control(Execution self) {
      this.self = self;
    }

    @Override
    public List<Map<String, Object>> running() {
      return JobRunner.this.running(self);
    }

    @Override
    public Optional<Map<String, Object>> stop(String jid, Signal signal) {
      return JobRunner.this.stop(jid, signal, self);
    }
  }
}
