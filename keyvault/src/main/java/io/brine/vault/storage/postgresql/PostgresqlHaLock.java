package io.brine.vault.storage.postgresql;

import io.brine.vault.VaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's HA lock: OpenBao's PostgreSQL lock (its {@code PostgreSQLLock}), one row of the
 * {@code ha_table} whose {@code valid_until} is measured by the <em>database's</em> clock, so the
 * masters' own clocks never decide who is active.
 *
 * <ul>
 *   <li>{@link #tryAcquire} inserts the row, or overwrites it only when it has expired ({@code
 *       valid_until < NOW()}), with a fresh identity (a UUID) for each attempt; it succeeds iff one
 *       row was written.
 *   <li>The holder renews every {@link Timing#renewInterval()} ({@code valid_until = NOW() + ttl}
 *       for its own identity only: a renewal never inserts and never takes another's row, the fix
 *       of openbao#2097). It knows the lock lost when a renewal finds no row of its own, or when no
 *       renewal succeeded within the TTL of the moment the last successful one was sent, by the
 *       monotonic clock: a master paused (SIGSTOP, a long GC) past the TTL knows at once when it
 *       runs again, before the database would let another master take the row.
 *   <li>Every write of the holder checks, inside its own transaction, that the row is still its own
 *       and unexpired, and takes a share lock on it ({@link Held#fence()}): a takeover waits for
 *       the write to commit, and a write after a takeover is refused. OpenBao checks in a separate
 *       statement before the write, which leaves a gap of one round trip.
 * </ul>
 *
 * <p>Every lock statement runs with a statement timeout of 2/3 of the TTL, as OpenBao's, so that a
 * stalled statement ends before another master could take over.
 */
public final class PostgresqlHaLock {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresqlHaLock.class);

  /** The lock of the active master, OpenBao's {@code CoreLockPath}. */
  public static final String CORE_LOCK = "core/lock";

  static final String LOST_MESSAGE = "fenced write refused: this master lost the HA lock";

  /**
   * How long the lock lives and how often it is renewed and tried for.
   *
   * @param ttl how long a row is valid after it is written
   * @param renewInterval the holder's time between renewals; shorter than {@code ttl}
   * @param retryInterval a contender's time between attempts, and a holder's between renewals after
   *     one failed
   */
  public record Timing(Duration ttl, Duration renewInterval, Duration retryInterval) {
    /** OpenBao's constants: a 15 s TTL, renewed every 5 s, tried for every second. */
    public static final Timing OPENBAO =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(1));

    public Timing {
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(renewInterval, "renewInterval");
      Objects.requireNonNull(retryInterval, "retryInterval");
      if (ttl.isNegative()
          || ttl.isZero()
          || renewInterval.isNegative()
          || renewInterval.isZero()) {
        throw new IllegalArgumentException(
            "the HA lock's ttl and renewal interval must be positive");
      }
      if (retryInterval.isNegative() || retryInterval.isZero()) {
        throw new IllegalArgumentException("the HA lock's retry interval must be positive");
      }
      if (renewInterval.compareTo(ttl) >= 0) {
        throw new IllegalArgumentException(
            "the HA lock's renewal interval must be shorter than its ttl");
      }
    }

    /** 2/3 of the TTL: the limit of every lock statement (OpenBao's). */
    public Duration statementTimeout() {
      return ttl.multipliedBy(2).dividedBy(3);
    }
  }

  /** The lock, held: until {@link #release()}, or until it is lost. */
  public interface Held {
    /** This holding's identity: a UUID, the row's {@code ha_identity}. */
    String identity();

    /** The value written with the lock, the row's {@code ha_value}. */
    String value();

    /**
     * The fence to install on the storage (and the shared stores) while active: in the write's
     * transaction it takes a share lock on the lock's row if the row is this holding's and
     * unexpired by the database's clock, and otherwise refuses the write with {@link
     * FencedWriteException} ("fenced write refused: this master lost the HA lock"). A refusal also
     * marks the lock lost.
     */
    WriteFence fence();

    /** Whether the lock is still held, as far as this process knows (no database round trip). */
    boolean held();

    /**
     * Runs {@code listener} once when the lock is lost (not when released), on the lock's own
     * thread; at once, on the caller's, if it is lost already.
     */
    void onLost(Runnable listener);

    /** Stops the renewal and deletes this holding's row, so another master may take over now. */
    void release();
  }

  private final DataSource dataSource;
  private final String table;
  private final String key;
  private final Timing timing;
  private final DatabaseFailure errors;

  private final String acquireSql;
  private final String renewSql;
  private final String releaseSql;
  private final String valueSql;
  private final String fenceSql;

  /**
   * A lock on the row {@code key} of {@code haTable} (which exists), reached through {@code
   * dataSource}. {@link PostgresqlStorage#haLock()} makes the cluster's.
   */
  PostgresqlHaLock(
      DataSource dataSource, String haTable, String key, Timing timing, DatabaseFailure errors) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.table = Tables.quote(Objects.requireNonNull(haTable, "haTable"));
    this.key = Objects.requireNonNull(key, "key");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.errors = Objects.requireNonNull(errors, "errors");
    String validFor = "NOW() + ? * INTERVAL '1 millisecond'";
    this.acquireSql =
        "INSERT INTO "
            + table
            + " AS t (ha_identity, ha_key, ha_value, valid_until) VALUES (?, ?, ?, "
            + validFor
            + ") ON CONFLICT (ha_key) DO UPDATE SET ha_identity = EXCLUDED.ha_identity,"
            + " ha_value = EXCLUDED.ha_value, valid_until = EXCLUDED.valid_until"
            + " WHERE t.valid_until < NOW()";
    this.renewSql =
        "UPDATE "
            + table
            + " SET valid_until = "
            + validFor
            + " WHERE ha_key = ? AND ha_identity = ?";
    this.releaseSql = "DELETE FROM " + table + " WHERE ha_key = ? AND ha_identity = ?";
    this.valueSql = "SELECT ha_value FROM " + table + " WHERE ha_key = ? AND NOW() <= valid_until";
    this.fenceSql =
        "SELECT 1 FROM "
            + table
            + " WHERE ha_key = ? AND ha_identity = ? AND valid_until > NOW() FOR SHARE";
  }

  public String key() {
    return key;
  }

  public Timing timing() {
    return timing;
  }

  /**
   * One attempt at the lock: held when the row was free or expired. The caller tries again after
   * {@link Timing#retryInterval()}.
   *
   * @param value the row's {@code ha_value}
   * @throws VaultException when the database cannot be asked
   */
  public Optional<Held> tryAcquire(String value) throws VaultException {
    Objects.requireNonNull(value, "value");
    String identity = UUID.randomUUID().toString();
    // Before the statement: the row's validity starts at the database's NOW(), which is later.
    long sentAt = System.nanoTime();
    int rows;
    try {
      rows =
          inLockTransaction(
              c -> {
                try (PreparedStatement s = c.prepareStatement(acquireSql)) {
                  s.setString(1, identity);
                  s.setString(2, key);
                  s.setString(3, value);
                  s.setLong(4, timing.ttl().toMillis());
                  return s.executeUpdate();
                }
              });
    } catch (SQLException e) {
      throw errors.of("HA lock attempt", e);
    }
    if (rows != 1) {
      return Optional.empty();
    }
    HeldLock held = new HeldLock(this, identity, value, sentAt);
    LOG.info("acquired the HA lock {} (identity {})", key, identity);
    held.start();
    return Optional.of(held);
  }

  /** The value of the lock's row while it is unexpired (by the database's clock); else empty. */
  public Optional<String> currentValue() throws VaultException {
    try {
      return inLockTransaction(
          c -> {
            try (PreparedStatement s = c.prepareStatement(valueSql)) {
              s.setString(1, key);
              try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.<String>empty();
              }
            }
          });
    } catch (SQLException e) {
      throw errors.of("HA lock read", e);
    }
  }

  /** Extends {@code identity}'s row; the rows updated: 1, or 0 when the row is not its own. */
  int renew(String identity) throws SQLException {
    return inLockTransaction(
        c -> {
          try (PreparedStatement s = c.prepareStatement(renewSql)) {
            s.setLong(1, timing.ttl().toMillis());
            s.setString(2, key);
            s.setString(3, identity);
            return s.executeUpdate();
          }
        });
  }

  /** Deletes {@code identity}'s row, if it still is its own. */
  void delete(String identity) throws SQLException {
    inLockTransaction(
        c -> {
          try (PreparedStatement s = c.prepareStatement(releaseSql)) {
            s.setString(1, key);
            s.setString(2, identity);
            return s.executeUpdate();
          }
        });
  }

  /**
   * The database's half of the fence, on the write's transaction {@code tx}: the row must be {@code
   * identity}'s and unexpired; it stays share-locked until {@code tx} ends.
   */
  void checkFence(Connection tx, String identity) throws SQLException, FencedWriteException {
    try (PreparedStatement s = tx.prepareStatement(fenceSql)) {
      s.setString(1, key);
      s.setString(2, identity);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new FencedWriteException(LOST_MESSAGE);
        }
      }
    }
  }

  DatabaseFailure errors() {
    return errors;
  }

  @FunctionalInterface
  private interface LockWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction of its own under the lock statements' timeout: the server
   * cancels a statement after 2/3 TTL, and the socket gives up a little later should the server not
   * answer at all.
   */
  private <T> T inLockTransaction(LockWork<T> work) throws SQLException {
    long statementMillis = Math.max(1, timing.statementTimeout().toMillis());
    long socketMillis = statementMillis + Math.max(1, timing.ttl().toMillis() / 6);
    try (Connection c = dataSource.getConnection()) {
      c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, socketMillis));
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s =
            c.prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
          s.setString(1, statementMillis + "ms");
          s.execute();
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback failed (the connection is gone)", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresqlHaLock[" + key + " in " + table + " at " + errors.address() + "]";
  }
}
