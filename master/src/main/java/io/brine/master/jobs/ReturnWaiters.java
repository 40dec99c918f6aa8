package io.brine.master.jobs;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API's long polls on a job's returns ({@code GET /v1/brine/jobs?jid=J&wait=30s
 * &after=N}): each waiter is a future, completed when the job has more than N returns or at the
 * wait's end, so no API thread waits with it.
 *
 * <p>Two ways a return is noticed: {@link #returned}, which the master's own return path calls
 * once a return is stored (at once: a single master's returns all land here), and a short poll of
 * the store's count for the jobs someone waits on, for returns stored by another master of a
 * cluster (PostgreSQL). The poll runs only while there are waiters, one count per waited job per
 * interval, on a thread of its own that ends when nobody waits.
 *
 * <p>Bounded: at most {@link #maxWaiters} at once (beyond it {@link #await} refuses, and the API
 * answers 429), each for at most {@link #MAX_WAIT}.
 */
public final class ReturnWaiters {
  private static final Logger log = LoggerFactory.getLogger(ReturnWaiters.class);

  /** The longest one long poll waits; a client asks again after it. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  /** The waiters one master holds at once; each costs a future and an entry, no thread. */
  public static final int DEFAULT_MAX_WAITERS = 256;

  /** How often a cluster master looks for returns other masters stored. */
  public static final Duration CLUSTER_POLL = Duration.ofMillis(50);

  /** For a master of its own: a safety net only, since every return lands here. */
  public static final Duration SINGLE_POLL = Duration.ofSeconds(1);

  /** No room for another waiter. */
  public static final class Full extends Exception {
    private static final long serialVersionUID = 1L;

    Full(int max) {
      super("too many requests are waiting for job returns (at most " + max + "); ask again");
    }
  }

  private record Waiter(int after, CompletableFuture<Void> done) {}

  private final JobStore store;
  private final int maxWaiters;
  private final Duration poll;
  private final Map<String, List<Waiter>> byJid = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ScheduledThreadPoolExecutor timer;
  private boolean polling; // guarded by this

  public ReturnWaiters(JobStore store, int maxWaiters, Duration poll) {
    this.store = store;
    this.maxWaiters = maxWaiters;
    this.poll = poll;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "job-return-waiters");
              t.setDaemon(true);
              return t;
            });
    timer.setKeepAliveTime(1, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  public int maxWaiters() {
    return maxWaiters;
  }

  /** How many wait now. */
  public int waiting() {
    return count.get();
  }

  /**
   * A future completed when job {@code jid} has more than {@code after} returns, or after {@code
   * wait} (capped at {@link #MAX_WAIT}); cancelling it (the client went away) frees its place.
   *
   * @throws Full when {@link #maxWaiters} wait already
   */
  public CompletableFuture<Void> await(String jid, int after, Duration wait) throws Full {
    if (count.incrementAndGet() > maxWaiters) {
      count.decrementAndGet();
      throw new Full(maxWaiters);
    }
    Waiter waiter = new Waiter(after, new CompletableFuture<>());
    // Added inside compute, so never to a list remove() is dropping at the same moment.
    byJid.compute(
        jid,
        (j, waiters) -> {
          List<Waiter> list = waiters == null ? new CopyOnWriteArrayList<>() : waiters;
          list.add(waiter);
          return list;
        });
    Duration capped = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    var end = timer.schedule(() -> wake(jid, waiter), capped.toMillis(), TimeUnit.MILLISECONDS);
    // Cancelled from outside (the client went away), or woken: either way its place is free.
    waiter
        .done()
        .whenComplete(
            (v, e) -> {
              end.cancel(false);
              remove(jid, waiter);
            });
    startPolling();
    return waiter.done();
  }

  /**
   * {@link #store} for the master's return path: as it, and each return it adds wakes the job's
   * waiters at once.
   */
  public JobStore signallingStore() {
    return new JobStore() {
      @Override
      public void create(JobRecord job) throws IOException {
        store.create(job);
      }

      @Override
      public CompletableFuture<AddResult> addReturnAsync(String jid, JobReturn ret) {
        return store
            .addReturnAsync(jid, ret)
            .whenComplete(
                (result, failure) -> {
                  if (result == AddResult.ADDED) {
                    returned(jid);
                  }
                });
      }

      @Override
      public Optional<JobView> find(String jid) throws IOException {
        return store.find(jid);
      }

      @Override
      public OptionalInt returnedCount(String jid) throws IOException {
        return store.returnedCount(jid);
      }

      @Override
      public List<JobRecord> list() throws IOException {
        return store.list();
      }

      @Override
      public List<JobRecord> list(int limit) throws IOException {
        return store.list(limit);
      }

      @Override
      public int purgeExpired() throws IOException {
        return store.purgeExpired();
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }

  /** A return of {@code jid} was stored (by this master): its waiters answer now. */
  public void returned(String jid) {
    List<Waiter> waiters = byJid.get(jid);
    if (waiters != null) {
      waiters.forEach(w -> wake(jid, w));
    }
  }

  /** Out of the count first, so whoever the answer reaches sees the place free. */
  private void wake(String jid, Waiter waiter) {
    remove(jid, waiter);
    waiter.done().complete(null);
  }

  private void remove(String jid, Waiter waiter) {
    byJid.computeIfPresent(
        jid,
        (j, waiters) -> {
          if (waiters.remove(waiter)) {
            count.decrementAndGet();
          }
          return waiters.isEmpty() ? null : waiters;
        });
  }

  private synchronized void startPolling() {
    if (!polling) {
      polling = true;
      timer.schedule(this::pollStore, poll.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One count per waited job; then again after the interval while anyone waits. */
  private void pollStore() {
    for (Map.Entry<String, List<Waiter>> entry : byJid.entrySet()) {
      List<Waiter> waiters = new ArrayList<>(entry.getValue());
      if (waiters.isEmpty()) {
        continue;
      }
      try {
        OptionalInt returned = store.returnedCount(entry.getKey());
        // A job gone (purged) answers too: the endpoint then says it is gone.
        int n = returned.orElse(Integer.MAX_VALUE);
        waiters.stream().filter(w -> n > w.after()).forEach(w -> wake(entry.getKey(), w));
      } catch (IOException | RuntimeException e) {
        log.debug("cannot count the returns of job {}: {}", entry.getKey(), e.toString());
      }
    }
    synchronized (this) {
      if (byJid.isEmpty()) {
        polling = false;
      } else {
        timer.schedule(this::pollStore, poll.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
