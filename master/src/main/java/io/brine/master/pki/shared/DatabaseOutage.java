package io.brine.master.pki.shared;

import io.brine.master.pki.KeysUnavailable;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * What the handshakes last found out about the database: unreachable, for now. Without it, every
 * HELLO during an outage holds a handshake thread for the pool's whole wait (the URL's
 * connect_timeout, 5 s by default) before it is answered SEALED: past a minion's {@code
 * master_alive_interval}, and with a few threads and a fleet failing over, past its 30 s answer
 * timeout too. Once a handshake has found the database unreachable, the next ones are answered
 * from that finding at once; a HELLO that comes when the finding is older than {@link #RECHECK}
 * starts a probe (one at a time, on a thread of its own: a connection from the pool) and waits
 * for it at most {@link #PROBE_WAIT}, so the first HELLO after the database is back goes ahead.
 * A database that answers anything clears the finding. Thread-safe.
 */
final class DatabaseOutage {
  /** How long a finding is taken as true before a HELLO has the database asked again. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  /** How long the HELLO that started a probe waits for it before it is answered SEALED. */
  static final Duration PROBE_WAIT = Duration.ofSeconds(1);

  private final DataSource db;
  private final LongSupplier nanoClock;
  private final Executor probes;
  private KeysUnavailable finding;
  private long foundAt;
  private boolean probing;

  /** @param probes where a probe runs: it may wait the pool's whole wait */
  DatabaseOutage(DataSource db, LongSupplier nanoClock, Executor probes) {
    this.db = db;
    this.nanoClock = nanoClock;
    this.probes = probes;
  }

  /** Probes on a daemon thread each (at most one at a time, at most one a second). */
  static DatabaseOutage of(DataSource db) {
    return new DatabaseOutage(
        db,
        System::nanoTime,
        work -> {
          Thread t = new Thread(work, "brine-key-store-probe");
          t.setDaemon(true);
          t.start();
        });
  }

  /**
   * Before a handshake's reads: returns when the database is to be asked (no finding, or the probe
   * this call started found it back).
   *
   * @throws KeysUnavailable the finding again, with no cause: the handshake's reads were not tried
   */
  void before() throws KeysUnavailable {
    synchronized (this) {
      if (finding == null) {
        return;
      }
      if (probing || nanoClock.getAsLong() - foundAt < RECHECK.toNanos()) {
        throw again();
      }
      probing = true;
    }
    CompletableFuture<Void> started;
    try {
      started = CompletableFuture.runAsync(this::probe, probes); // outside the lock: it takes it
    } catch (RuntimeException e) { // no thread for it: the finding stands, the next HELLO tries
      synchronized (this) {
        probing = false;
        throw again();
      }
    }
    try {
      started.get(PROBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // still probing, or the probe itself failed: the finding stands
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (finding != null) {
        throw again();
      }
    }
  }

  /**
   * After a handshake's reads that {@link #before} let through.
   *
   * @param unreachable what they met when the database could not be reached; null when it answered
   */
  synchronized void after(KeysUnavailable unreachable) {
    found(unreachable);
  }

  private void probe() {
    KeysUnavailable unreachable = null;
    try {
      // a connection from the pool is the answer: the pool checks it before it gives it out
      db.getConnection().close();
    } catch (SQLException e) {
      unreachable = new SqlFailure(e).unreachableOrThis() instanceof KeysUnavailable k ? k : null;
    } catch (RuntimeException e) {
      unreachable = finding(); // not an answer from the database: the finding stands
    }
    synchronized (this) {
      probing = false;
      found(unreachable);
    }
  }

  private synchronized KeysUnavailable finding() {
    return finding;
  }

  private void found(KeysUnavailable unreachable) {
    finding = unreachable;
    if (unreachable != null) {
      foundAt = nanoClock.getAsLong();
    }
  }

  private KeysUnavailable again() {
    return new KeysUnavailable(finding.getMessage(), finding.answer(), null);
  }
}
