package io.brine.master.jobs.shared;

import io.brine.master.jobs.AddResult;
import io.brine.master.jobs.JobReturn;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts returns into {@code brine_job_returns} with group commit: each of a few threads takes
 * every return queued by the time it is free (up to {@link #MAX_BATCH}), inserts them in one
 * transaction with one statement per job, commits, and only then completes their futures,
 * so a return is acknowledged to its minion once it is committed, and 10,000 returns arriving
 * together cost a handful of commits instead of 10,000.
 *
 * <p>An insert that adds no row ({@code ON CONFLICT DO NOTHING}, or its job gone) is settled
 * after the commit by {@link Settle}: the same return again, a different one, or no job. A batch
 * whose transaction fails fails all its returns (their minions send them again), except a
 * deadlock or serialization failure, which is run again. Rows go in (jid, minion) order in every
 * batch, so two batches (of this master or another) never wait on each other in a cycle.
 *
 * <p>The queue is bounded: when it is full, {@link #insert} blocks its caller (a worker answering
 * minions), the back-pressure a flood of returns should meet.
 */
final class ReturnInserter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReturnInserter.class);

  static final int QUEUE_LIMIT = 16_384;
  static final int MAX_BATCH = 1_000;
  private static final int ATTEMPTS = 3;

  /** A job's returns: only while the job exists, only where the minion has none yet. */
  private static final String INSERT =
      "INSERT INTO " + JobTables.RETURNS + " (jid, minion, received, ret)"
          + " SELECT ?, u.minion, u.received::timestamptz, u.ret"
          + " FROM unnest(?::text[], ?::text[], ?::bytea[]) WITH ORDINALITY"
          + " AS u(minion, received, ret, n)"
          + " WHERE EXISTS (SELECT 1 FROM " + JobTables.JOBS + " WHERE jid = ?)"
          + " ORDER BY u.n"
          + " ON CONFLICT (jid, minion) DO NOTHING"
          + " RETURNING minion";

  private static final Comparator<Pending> ROW_ORDER =
      Comparator.comparing(Pending::jid).thenComparing(p -> p.ret().id().value());

  /** One return to insert: {@code sealed} is its row's ciphertext. */
  record Pending(String jid, JobReturn ret, byte[] sealed, CompletableFuture<AddResult> done) {}

  /** What a return that added no row was: called after the batch's commit, on its connection. */
  @FunctionalInterface
  interface Settle {
    AddResult settle(Connection c, Pending p) throws SQLException, IOException;
  }

  private final DataSource db;
  private final Settle settle;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closing;

  ReturnInserter(DataSource db, Settle settle, int threadCount) {
    this.db = db;
    this.settle = settle;
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::run, "brine-shared-job-returns-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Queues a return. Completes with ADDED once committed, with what {@link Settle} says when no
   * row was added, or exceptionally with an {@link IOException} when it was not stored.
   */
  CompletableFuture<AddResult> insert(String jid, JobReturn ret, byte[] sealed) {
    Pending pending = new Pending(jid, ret, sealed, new CompletableFuture<>());
    if (closing) {
      return CompletableFuture.failedFuture(new IOException("the job store is closed"));
    }
    try {
      queue.put(pending);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new IOException("interrupted while queueing a return"));
    }
    return pending.done();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        closing = true;
      } catch (RuntimeException e) {
        log.error("job store: the return writer failed: {}", e.toString());
        log.debug("return writer", e);
        batch.forEach(p -> p.done().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    batch.sort(ROW_ORDER);
    // One row per (jid, minion) goes in; a second one of the batch (a minion that sent its return
    // again before the first was acknowledged) is settled after the commit, like one that meets a
    // row already there.
    Map<String, List<Pending>> rows = new LinkedHashMap<>();
    List<Pending> unsettled = new ArrayList<>();
    Pending previous = null;
    for (Pending p : batch) {
      if (previous != null && ROW_ORDER.compare(previous, p) == 0) {
        unsettled.add(p);
      } else {
        rows.computeIfAbsent(p.jid(), j -> new ArrayList<>()).add(p);
        previous = p;
      }
    }
    Set<Pending> added;
    try {
      added = insertAll(rows);
    } catch (IOException e) {
      log.warn("job store: cannot store {} return(s): {}", batch.size(), e.getMessage());
      batch.forEach(p -> p.done().completeExceptionally(e));
      return;
    }
    for (List<Pending> job : rows.values()) {
      for (Pending p : job) {
        if (added.contains(p)) {
          p.done().complete(AddResult.ADDED);
        } else {
          unsettled.add(p);
        }
      }
    }
    if (!unsettled.isEmpty()) {
      settleAll(unsettled);
    }
  }

  /**
   * The rows in one transaction, one INSERT per job (the returns as arrays: one statement for
   * a thousand rows costs the server far less than a thousand statements); run again after a
   * deadlock or a serialization failure.
   *
   * @return the returns that added a row
   */
  private Set<Pending> insertAll(Map<String, List<Pending>> rows) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
          Set<Pending> added = Collections.newSetFromMap(new IdentityHashMap<>());
          for (Map.Entry<String, List<Pending>> job : rows.entrySet()) {
            List<Pending> returns = job.getValue();
            Map<String, Pending> byMinion = new HashMap<>();
            String[] minions = new String[returns.size()];
            String[] received = new String[returns.size()];
            byte[][] sealed = new byte[returns.size()][];
            for (int i = 0; i < returns.size(); i++) {
              Pending p = returns.get(i);
              minions[i] = p.ret().id().value();
              received[i] = p.ret().received().toString(); // ISO-8601, UTC
              sealed[i] = p.sealed();
              byMinion.put(minions[i], p);
            }
            ps.setString(1, job.getKey());
            ps.setArray(2, c.createArrayOf("text", minions));
            ps.setArray(3, c.createArrayOf("text", received));
            ps.setArray(4, c.createArrayOf("bytea", sealed));
            ps.setString(5, job.getKey());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                added.add(byMinion.get(rs.getString(1)));
              }
            }
          }
          c.commit();
          return added;
        } catch (SQLException e) {
          Transactions.rollbackQuietly(c);
          throw e;
        } finally {
          Transactions.restoreAutoCommit(c);
        }
      } catch (SQLException e) {
        if (attempt < ATTEMPTS && SqlFailures.retryable(e)) {
          log.debug("job store: a batch of returns met a concurrent one; again", e);
          continue;
        }
        throw SqlFailures.describe("cannot store returns", e);
      }
    }
  }

  private void settleAll(List<Pending> unsettled) {
    try (Connection c = db.getConnection()) {
      for (Pending p : unsettled) {
        p.done().complete(settle.settle(c, p));
      }
    } catch (SQLException e) {
      IOException failure = SqlFailures.describe("cannot check a repeated return", e);
      unsettled.forEach(p -> p.done().completeExceptionally(failure));
    } catch (IOException | RuntimeException e) {
      unsettled.forEach(p -> p.done().completeExceptionally(e));
    }
  }


  /** Stores what is queued, then stops; later returns fail. */
  @Override
  public void close() {
    closing = true;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    queue.forEach(p -> p.done().completeExceptionally(new IOException("the job store closed")));
  }
}
