package io.brine.minion.jobs;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads job functions run on, and the one that times them out, with a bounded queue of jobs
 * waiting for a thread.
 *
 * <p>A minion daemon has its own. Many simulated minions in one JVM (the swarm in bench/) share
 * one: a thread per minion per job would make the load generator, not the master, the thing
 * measured. Whoever made it closes it; a {@link JobRunner} given a shared one leaves it running.
 */
public final class JobThreads implements AutoCloseable {
  private static final long IDLE_THREAD_SECONDS = 30;
  private static final Logger log = LoggerFactory.getLogger(JobThreads.class);

  private final int queueCapacity;
  final ThreadPoolExecutor workers;
  final ScheduledThreadPoolExecutor timers;

  private JobThreads(int threads, int queueCapacity) {
    if (threads < 1) {
      throw new IllegalArgumentException("a job runner needs at least 1 thread, not " + threads);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("a job queue needs room for 1 job, not " + queueCapacity);
    }
    this.queueCapacity = queueCapacity;
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            IDLE_THREAD_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(queueCapacity),
            daemonThreads("brine-job-"));
    this.timers = new ScheduledThreadPoolExecutor(1, daemonThreads("brine-job-timeouts-"));
    // An idle minion holds no job threads: they end a while after the last job.
    workers.allowCoreThreadTimeOut(true);
    timers.setKeepAliveTime(IDLE_THREAD_SECONDS, TimeUnit.SECONDS);
    timers.allowCoreThreadTimeOut(true);
    // Most jobs end before their deadline: a cancelled timer should not stay queued for hours.
    timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * {@code threads} jobs run at once; up to {@code queueCapacity} more wait, and any beyond that are
   * refused.
   */
  public static JobThreads create(int threads, int queueCapacity) {
    return new JobThreads(threads, queueCapacity);
  }

  /** How many jobs may wait for a thread. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Interrupts every running function; waiting jobs are not run. Waits up to 5 s for the functions
   * to return. Runners using these threads should be closed first, so each job's result says why
   * it stopped.
   */
  @Override
  public void close() {
    workers.shutdownNow();
    timers.shutdownNow();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("some job functions did not return within 5 s of the shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      // Daemon: threads that were never closed must not keep the JVM alive.
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
