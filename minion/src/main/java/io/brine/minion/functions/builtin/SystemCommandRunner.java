package io.brine.minion.functions.builtin;

import io.brine.minion.functions.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Command} as a child process of the job ({@link ChildProcesses}, so it dies with the
 * job): stdin from /dev/null, stdout and stderr read at the same time on threads of their own (no
 * pipe deadlock) and kept up to a limit each (1 MiB by default), the process and its descendants
 * killed at the command's timeout (exit 124, the output so far kept).
 */
public final class SystemCommandRunner implements CommandRunner {
  public static final int TIMED_OUT = 124;

  static final SystemCommandRunner INSTANCE = new SystemCommandRunner(BoundedCapture.DEFAULT_LIMIT);

  private static final AtomicInteger READER_NUMBER = new AtomicInteger();

  /**
   * Threads that read commands' output. Cached, not bounded: a reader waits on a pipe only as long
   * as some process of a job holds it, and every running command needs two.
   */
  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "brine-cmd-output-" + READER_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final int outputLimit;

  SystemCommandRunner(int outputLimit) {
    this.outputLimit = outputLimit;
  }

  @Override
  public CommandResult run(Command c) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(c.argv());
    if (c.cwd() != null) {
      pb.directory(c.cwd().toFile());
    }
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    c.env()
        .forEach(
            (k, v) -> {
              if (v == null) {
                env.remove(k);
              } else {
                env.put(k, v);
              }
            });
    Process p;
    try {
      p = ChildProcesses.start(pb);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + c.argv().get(0), e);
    }
    boolean done = false;
    try {
      BoundedCapture stdout = new BoundedCapture(outputLimit);
      BoundedCapture stderr = new BoundedCapture(outputLimit);
      Future<?> out = READERS.submit(() -> stdout.drain(p.getInputStream()));
      Future<?> err = READERS.submit(() -> stderr.drain(p.getErrorStream()));
      boolean bounded = c.timeout().isPresent();
      long deadline = System.nanoTime() + c.timeout().map(Duration::toNanos).orElse(0L);
      boolean timedOut = !waitFor(p, bounded, deadline);
      if (timedOut) {
        ChildProcesses.destroyTree(p.toHandle());
      }
      // The readers end when every holder of the pipes is gone; a background child may keep them
      // open after the program exits, and is waited for only until the timeout.
      timedOut |= !awaitReader(out, bounded, deadline);
      timedOut |= !awaitReader(err, bounded, deadline);
      done = true;
      int exit = timedOut ? TIMED_OUT : p.waitFor();
      return new CommandResult(p.pid(), exit, stdout.text(), stderr.text(), timedOut);
    } finally {
      if (!done) {
        // Interrupted: the job timed out or the minion is stopping; the command goes with it.
        ChildProcesses.destroyTree(p.toHandle());
      }
    }
  }

  private static boolean waitFor(Process p, boolean bounded, long deadline)
      throws InterruptedException {
    if (!bounded) {
      p.waitFor();
      return true;
    }
    return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static boolean awaitReader(Future<?> reader, boolean bounded, long deadline)
      throws InterruptedException {
    try {
      if (bounded) {
        reader.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } else {
        reader.get();
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      // drain() catches what reading can throw; anything else is a bug worth seeing in the job.
      throw new IllegalStateException("reading the command's output failed", e.getCause());
    }
  }
}
