package io.brine.vault.storage.postgresql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One holding of a {@link PostgresqlHaLock}, from a successful attempt until it is released or
 * lost. Two daemon threads keep it: the renewer extends the row every renewal interval (every retry
 * interval after a failure), and the watchdog declares the lock lost the moment the TTL has passed
 * since the last successful renewal was sent, however long the renewer is stuck in the network or
 * the pool. Lost and released are final: nothing brings a holding back, and a new attempt makes a
 * new identity.
 */
final class HeldLock implements PostgresqlHaLock.Held {
  private static final Logger LOG = LoggerFactory.getLogger(HeldLock.class);

  private enum State {
    HELD,
    LOST,
    RELEASED
  }

  private final PostgresqlHaLock lock;
  private final String identity;
  private final String value;
  private final long ttlNanos;
  private final WriteFence fence;
  private final Thread renewer;
  private final Thread watchdog;

  private final Object monitor = new Object();
  // The fields below are guarded by monitor.
  private State state = State.HELD;

  /** By System.nanoTime: the last successful renewal's (or the acquisition's) send time + TTL. */
  private long deadline;

  private String lastFailure;
  private boolean refusedByDatabase;
  private final List<Runnable> listeners = new ArrayList<>();

  HeldLock(PostgresqlHaLock lock, String identity, String value, long acquiredAtNanos) {
    this.lock = lock;
    this.identity = identity;
    this.value = value;
    this.ttlNanos = lock.timing().ttl().toNanos();
    this.deadline = acquiredAtNanos + ttlNanos;
    this.fence = this::check;
    this.renewer = daemon(() -> renewFrom(acquiredAtNanos), "brine-ha-lock-renewal");
    this.watchdog = daemon(this::watch, "brine-ha-lock-watchdog");
  }

  void start() {
    renewer.start();
    watchdog.start();
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public WriteFence fence() {
    return fence;
  }

  @Override
  public boolean held() {
    synchronized (monitor) {
      return state == State.HELD && !refusedByDatabase && System.nanoTime() - deadline < 0;
    }
  }

  @Override
  public void onLost(Runnable listener) {
    synchronized (monitor) {
      if (state == State.HELD) {
        listeners.add(listener);
        return;
      }
      if (state == State.RELEASED) {
        return;
      }
    }
    runListener(listener);
  }

  @Override
  public void release() {
    boolean wasLost;
    synchronized (monitor) {
      if (state == State.RELEASED) {
        return;
      }
      wasLost = state == State.LOST;
      state = State.RELEASED;
      listeners.clear();
      monitor.notifyAll();
    }
    if (wasLost) {
      // Its row has expired by the database's clock or is another master's now: a delete would
      // match nothing, and with the database down it would only wait for a timeout.
      return;
    }
    try {
      lock.delete(identity);
      LOG.info("released the HA lock {} (identity {})", lock.key(), identity);
    } catch (SQLException e) {
      LOG.warn(
          "{}; the row expires by itself within {}",
          lock.errors().describe("HA lock release", e),
          seconds(ttlNanos));
    }
  }

  /** Waits until both threads have ended, for tests that check nothing renews a lost lock. */
  boolean awaitThreadsEnded(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    renewer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
    watchdog.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
    return !renewer.isAlive() && !watchdog.isAlive();
  }

  private void check(Connection tx) throws SQLException, FencedWriteException {
    if (!held()) {
      throw new FencedWriteException(PostgresqlHaLock.LOST_MESSAGE);
    }
    try {
      lock.checkFence(tx, identity);
    } catch (FencedWriteException e) {
      // The database knows better than the renewal schedule: the watchdog steps down now,
      // on its own thread rather than the writer's.
      synchronized (monitor) {
        refusedByDatabase = true;
        monitor.notifyAll();
      }
      throw e;
    }
  }

  private void renewFrom(long acquiredAtNanos) {
    long renewInterval = lock.timing().renewInterval().toNanos();
    long retryInterval = lock.timing().retryInterval().toNanos();
    long next = acquiredAtNanos + renewInterval;
    boolean failing = false;
    while (true) {
      synchronized (monitor) {
        long wait;
        while (state == State.HELD && (wait = next - System.nanoTime()) > 0) {
          timedWait(wait);
        }
        if (state != State.HELD) {
          break;
        }
      }
      long sentAt = System.nanoTime();
      int rows;
      try {
        rows = lock.renew(identity);
      } catch (SQLException e) {
        String why = lock.errors().describe("HA lock renewal", e);
        synchronized (monitor) {
          lastFailure = why;
        }
        if (!failing) {
          LOG.warn("{}; retrying until the lock's TTL runs out", why);
        } else {
          LOG.debug("{}", why, e);
        }
        failing = true;
        next = System.nanoTime() + retryInterval;
        continue;
      }
      if (rows == 0) {
        lose("its row was deleted or another master holds it");
        break;
      }
      if (failing) {
        LOG.info("HA lock {} renewed again", lock.key());
        failing = false;
      }
      synchronized (monitor) {
        if (state == State.HELD && sentAt + ttlNanos - deadline > 0) {
          deadline = sentAt + ttlNanos;
          lastFailure = null;
          monitor.notifyAll();
        }
      }
      next = sentAt + renewInterval;
    }
    boolean lost;
    synchronized (monitor) {
      lost = state == State.LOST;
    }
    if (lost) {
      // A renewal that was in flight when the TTL ran out may have extended the row after all;
      // the row of a holding that gave up must not keep the others waiting for another TTL.
      deleteQuietly();
    }
  }

  private void watch() {
    String reason;
    synchronized (monitor) {
      long left;
      while (state == State.HELD
          && !refusedByDatabase
          && (left = deadline - System.nanoTime()) > 0) {
        timedWait(left);
      }
      if (state != State.HELD) {
        return;
      }
      reason =
          refusedByDatabase
              ? "a fenced write found the row expired or taken"
              : "no renewal succeeded within "
                  + seconds(ttlNanos)
                  + (lastFailure == null ? "" : " (last failure: " + lastFailure + ")");
    }
    lose(reason);
  }

  private void lose(String reason) {
    List<Runnable> toRun;
    synchronized (monitor) {
      if (state != State.HELD) {
        return;
      }
      state = State.LOST;
      toRun = List.copyOf(listeners);
      listeners.clear();
      monitor.notifyAll();
    }
    LOG.warn("lost the HA lock {} (identity {}): {}", lock.key(), identity, reason);
    toRun.forEach(HeldLock::runListener);
  }

  private void deleteQuietly() {
    try {
      lock.delete(identity);
    } catch (SQLException e) {
      LOG.debug("could not delete the row of a lost HA lock; it expires by itself", e);
    }
  }

  private static void runListener(Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      LOG.warn("an HA lock-loss listener failed: {}", e.toString());
      LOG.debug("lock-loss listener failure", e);
    }
  }

  /** Waits on the monitor (held by the caller) up to {@code nanos}; an interrupt ends nothing. */
  private void timedWait(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
    } catch (InterruptedException e) {
      // These threads belong to the holding; only release or loss ends them.
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static String seconds(long nanos) {
    long millis = Duration.ofNanos(nanos).toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  @Override
  public String toString() {
    return "HeldLock[" + lock.key() + ", identity " + identity + "]";
  }
}
