package io.brine.master.jobs.shared;

import io.brine.common.log.RefusalLog;
import io.brine.master.jobs.JobPublisher;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.JobPublication;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Hands a minion that has just established its session on this master of a cluster the recent
 * jobs it was targeted by and has not returned. Every master hands a job only to the minions
 * connected to it at that moment; a minion failing over from a master that died is connected to
 * none for a few seconds, and a job published then would never reach it.
 *
 * <p>Which jobs: at most {@link #MAX_JOBS}, the newest, queued within {@link #MAX_WINDOW} before
 * the look-up and within their own {@code timeout} (by the database's clock, which queued them),
 * that admitted this minion and have no return from it ({@link SharedJobCache#unreturned}). They
 * go in the order they were published, through {@link JobPublisher#redeliver}: the publishing
 * master's own publication, sealed and signed as every live one. A minion that got one before (from
 * the master it left) refuses the copy: its memory of jids runs each job once.
 *
 * <p>The look-up waits on the database, so it runs on {@code workers}, never on the connection's
 * event loop. One is queued per minion at most: a minion reconnecting while its look-up waits is
 * served by that one, which hands the jobs to whichever connection is the minion's then; so what
 * a flood of reconnections can queue is bounded by the accepted minions. A look-up that fails
 * (the database unreachable, the data key not loaded) leaves the session as it is: one WARN line
 * for an outage, the failures after it at DEBUG until a look-up works again.
 */
public final class JobRedelivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRedelivery.class);

  /** The most jobs handed again to one minion per session. */
  public static final int MAX_JOBS = 16;

  /**
   * The oldest a job handed again may be: a failover takes seconds, and a caller waiting for
   * returns longer than this has its answer (or its timeout) by then.
   */
  public static final Duration MAX_WINDOW = Duration.ofSeconds(60);

  private final SharedJobCache cache;
  private final JobPublisher publisher;
  private final Executor workers;
  /** The executor this re-delivery made and stops, or null when it was given one. */
  private final ExecutorService owned;
  private final Set<MinionId> queued = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong lookups = new AtomicLong();
  /**
   * One INFO line per 10 s however many minions arrive: after a kill -9 a third of the fleet
   * reconnects here within seconds, and a line each was 3,300 lines at 10,000 minions. Each
   * minion's own line is at DEBUG.
   */
  private final RefusalLog handedAgain;

  /**
   * @param timer where the end of each summary line's interval is scheduled
   */
  public JobRedelivery(
      SharedJobCache cache,
      JobPublisher publisher,
      Executor workers,
      ScheduledExecutorService timer) {
    this(cache, publisher, workers, timer, null);
  }

  private JobRedelivery(
      SharedJobCache cache,
      JobPublisher publisher,
      Executor workers,
      ScheduledExecutorService timer,
      ExecutorService owned) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.owned = owned;
    this.handedAgain =
        new RefusalLog(
            log,
            Level.INFO,
            "recent jobs handed again to a reconnecting minion",
            RefusalLog.DEFAULT_INTERVAL,
            Objects.requireNonNull(timer, "timer"));
  }

  /**
   * A re-delivery with a thread of its own, which {@link #close} stops. Not the minion-call
   * workers: when a master dies a third of the fleet arrives at the others within seconds, and
   * its look-ups there kept every minion's returns waiting behind them (the cluster swarm at 3,000
   * minions: a job's returns 14 s late).
   */
  public static JobRedelivery onItsOwnThread(SharedJobCache cache, JobPublisher publisher) {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "brine-redelivery");
              t.setDaemon(true);
              return t;
            });
    return new JobRedelivery(cache, publisher, thread, thread, thread);
  }

  /** Stops the thread of {@link #onItsOwnThread}; queued look-ups are dropped. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }

  /** {@code id}'s session is established here: queues its look-up. Does not block. */
  public void sessionEstablished(MinionId id) {
    if (!queued.add(id)) {
      return; // the look-up queued serves this connection too
    }
    try {
      workers.execute(() -> lookUp(id));
    } catch (RejectedExecutionException e) {
      queued.remove(id); // stopping
      log.debug("minion {}: no look-up of recent jobs, the workers are stopping", id);
    }
  }

  /** Look-ups finished (whatever they found, or failed): what a test awaits. */
  public long lookups() {
    return lookups.get();
  }

  private void lookUp(MinionId id) {
    // Before the query: a connection registered from here on queues a look-up of its own.
    queued.remove(id);
    try {
      List<UnreturnedJob> found;
      try {
        found = cache.unreturned(id, MAX_WINDOW, MAX_JOBS);
        if (failing.compareAndSet(true, false)) {
          log.info("minion {}: looking up recent jobs for reconnecting minions again", id);
        }
      } catch (IOException | RuntimeException e) {
        if (failing.compareAndSet(false, true)) {
          log.warn(
              "minion {}: cannot look up the recent jobs it has not returned ({}); its session"
                  + " stays, and jobs published while it was between masters do not reach it"
                  + " (further failures at DEBUG until a look-up works)",
              id,
              e.getMessage());
        } else {
          log.debug("minion {}: cannot look up its recent jobs: {}", id, e.getMessage());
        }
        return;
      }
      handOut(id, found);
    } finally {
      lookups.incrementAndGet();
    }
  }

  private void handOut(MinionId id, List<UnreturnedJob> found) {
    List<UnreturnedJob> oldestFirst = new ArrayList<>(found);
    Collections.reverse(oldestFirst); // run in the order they were published
    List<String> handed = new ArrayList<>();
    for (UnreturnedJob job : oldestFirst) {
      if (!withinItsTimeout(job) || handed.contains(job.jid())) {
        continue; // past its timeout; or queued twice (a publisher that retried)
      }
      try {
        if (publisher.redeliver(id, job.job(), job.publication())) {
          handed.add(job.jid());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("minion {}: cannot hand job {} again: {}", id, job.jid(), e.getMessage());
        return; // the vault sealed meanwhile: the others would fail alike
      }
    }
    if (!handed.isEmpty()) {
      log.debug(
          "minion {}: handed {} recent job(s) it has not returned again, published while it may"
              + " have been between masters: {}",
          id,
          handed.size(),
          String.join(", ", handed));
      handedAgain.occurred("(" + id + ": " + String.join(", ", handed) + ")");
    }
  }

  /** Whether the job is younger than its own timeout (its caller still waits for returns). */
  private static boolean withinItsTimeout(UnreturnedJob job) {
    try {
      return job.age().compareTo(JobPublication.parse(job.publication()).timeout()) < 0;
    } catch (ProtocolException e) {
      log.warn("job {} in the queue is not a valid publication: {}", job.jid(), e.getMessage());
      return false;
    }
  }
}
