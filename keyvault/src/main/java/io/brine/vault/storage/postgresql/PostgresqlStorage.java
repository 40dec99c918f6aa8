package io.brine.vault.storage.postgresql;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.StoragePaths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's {@link Storage} in PostgreSQL, laid out as OpenBao's PostgreSQL backend lays it out
 * (same table, columns, key split and index; see {@link Tables} and {@link StorageKey}), so that an
 * operator's SQL, backups and grants read the same as against OpenBao. The values are what the
 * barrier wrote: ciphertext, bound to its path.
 *
 * <p>Every put and delete is one transaction: the installed {@link WriteFence} is checked first,
 * inside it, then the row is written, then it commits; a put or delete that returned is committed.
 * With {@code ha_enabled} the fence at start refuses every write ({@link WriteFence#STANDBY}): only
 * the master holding the {@link #haLock() HA lock} installs its holding's fence and writes. Without
 * HA the fence is {@link WriteFence#NONE}.
 *
 * <p>Connections come from a HikariCP pool of at most {@code max_parallel}; the HA lock has a small
 * pool of its own, so that its renewals never queue behind a busy vault or job cache. A statement
 * that loses its connection (the database restarted) is retried once on a fresh one; puts and
 * deletes may be repeated safely. Failures are one-line {@link VaultException}s ("PostgreSQL
 * storage unreachable at db.example:5432: Connection refused") that never hold the password; the
 * stack trace goes to the log at debug.
 */
public final class PostgresqlStorage implements Storage, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresqlStorage.class);

  /** The HA lock's pool: a renewal and an attempt, a release or a read of the value at once. */
  private static final int LOCK_POOL_SIZE = 2;

  private final ConnectionUrl url;
  private final Tables tables;
  private final DatabaseFailure errors;
  private final HikariDataSource pool;
  private final HikariDataSource lockPool;
  private final PostgresqlHaLock haLock;
  private volatile WriteFence fence;

  private final String getSql;
  private final String putSql;
  private final String deleteSql;
  private final String listSql;

  private PostgresqlStorage(
      ConnectionUrl url,
      Tables tables,
      DatabaseFailure errors,
      HikariDataSource pool,
      HikariDataSource lockPool,
      PostgresqlHaLock haLock) {
    this.url = url;
    this.tables = tables;
    this.errors = errors;
    this.pool = pool;
    this.lockPool = lockPool;
    this.haLock = haLock;
    this.fence = haLock == null ? WriteFence.NONE : WriteFence.STANDBY;
    String kv = tables.kv;
    this.getSql = "SELECT value FROM " + kv + " WHERE path = ? AND key = ?";
    this.putSql =
        "INSERT INTO "
            + kv
            + " (parent_path, path, key, value) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (path, key) DO UPDATE"
            + " SET parent_path = EXCLUDED.parent_path, value = EXCLUDED.value";
    this.deleteSql = "DELETE FROM " + kv + " WHERE path = ? AND key = ?";
    // OpenBao's list: the keys at the path, and the next segment of every deeper path, found
    // through parent_path (indexed). Where OpenBao writes parent_path LIKE prefix || '%', a range
    // is used: under COLLATE "C" the parent paths starting with "/a/" are exactly those from
    // "/a/" up to "/a0" ('0' follows '/'), and '_' in a path is not taken for a wildcard.
    this.listSql =
        "SELECT key FROM "
            + kv
            + " WHERE path = ?"
            + " UNION SELECT substring(substr(path, ?) from '^[^/]*/') FROM "
            + kv
            + " WHERE parent_path >= ? AND parent_path < ?";
  }

  /**
   * Opens the storage with OpenBao's lock timing; see {@link #open(PostgresqlConfig,
   * PostgresqlHaLock.Timing)}.
   */
  public static PostgresqlStorage open(PostgresqlConfig config) throws VaultException {
    return open(config, PostgresqlHaLock.Timing.OPENBAO);
  }

  /**
   * Reaches the database (with {@code max_connect_retries} attempts, as OpenBao), opens the pool,
   * creates the tables and index that are missing unless {@code skip_create_table}, and checks that
   * this role may use them.
   *
   * @param lockTiming the HA lock's TTL and intervals, when {@code ha_enabled}
   * @throws VaultException in one line when the database cannot be reached, refuses the login, or
   *     the tables cannot be made or used
   */
  public static PostgresqlStorage open(PostgresqlConfig config, PostgresqlHaLock.Timing lockTiming)
      throws VaultException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(lockTiming, "lockTiming");
    ConnectionUrl url = config.url();
    DatabaseFailure errors = new DatabaseFailure(url);
    Tables tables = new Tables(config.table(), config.haTable());
    ConnectRetry.await(url, config.maxConnectRetries(), errors);

    Duration wait = ConnectionPool.waitForConnection(url);
    HikariDataSource pool =
        ConnectionPool.open(url, "vault", config.maxParallel(), config.maxIdleConnections(), wait);
    HikariDataSource lockPool = null;
    try {
      if (!config.skipCreateTable()) {
        tables.create(pool, config.haEnabled(), errors);
      }
      tables.checkAccess(pool, config.haEnabled(), errors);
      PostgresqlHaLock haLock = null;
      if (config.haEnabled()) {
        Duration lockWait = min(wait, lockTiming.statementTimeout());
        lockPool = ConnectionPool.open(url, "ha", LOCK_POOL_SIZE, 1, lockWait);
        haLock =
            new PostgresqlHaLock(
                lockPool, config.haTable(), PostgresqlHaLock.CORE_LOCK, lockTiming, errors);
      }
      LOG.info(
          "vault storage: PostgreSQL at {}, table {}{}",
          url.address(),
          config.table(),
          config.haEnabled() ? ", HA lock in " + config.haTable() : "");
      return new PostgresqlStorage(url, tables, errors, pool, lockPool, haLock);
    } catch (VaultException | RuntimeException e) {
      pool.close();
      if (lockPool != null) {
        lockPool.close();
      }
      throw e;
    }
  }

  /**
   * Installs the check every later put and delete makes in its transaction: a holding's {@link
   * PostgresqlHaLock.Held#fence()} while this master is active, {@link WriteFence#STANDBY} when it
   * steps down. A write already past its check finishes under the fence it checked.
   */
  public void fence(WriteFence fence) {
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  /** The pool behind this storage, for the master's shared stores (jobs, minion keys). */
  public DataSource dataSource() {
    return pool;
  }

  /** The cluster's HA lock ({@code core/lock} in {@code ha_table}), when {@code ha_enabled}. */
  public Optional<PostgresqlHaLock> haLock() {
    return Optional.ofNullable(haLock);
  }

  @Override
  public Optional<byte[]> get(String path) throws VaultException {
    StorageKey row = StorageKey.of(StoragePaths.check(path));
    return run(
        "read of " + path,
        c -> {
          try (PreparedStatement s = c.prepareStatement(getSql)) {
            s.setString(1, row.path());
            s.setString(2, row.key());
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              byte[] value = r.getBytes(1);
              return Optional.of(value == null ? new byte[0] : value);
            }
          }
        });
  }

  @Override
  public void put(String path, byte[] value) throws VaultException {
    Objects.requireNonNull(value, "value");
    StorageKey row = StorageKey.of(StoragePaths.check(path));
    write(
        "write of " + path,
        c -> {
          try (PreparedStatement s = c.prepareStatement(putSql)) {
            s.setString(1, row.parentPath());
            s.setString(2, row.path());
            s.setString(3, row.key());
            s.setBytes(4, value); // the driver copies it
            s.executeUpdate();
          }
        });
  }

  @Override
  public void delete(String path) throws VaultException {
    StorageKey row = StorageKey.of(StoragePaths.check(path));
    write(
        "delete of " + path,
        c -> {
          try (PreparedStatement s = c.prepareStatement(deleteSql)) {
            s.setString(1, row.path());
            s.setString(2, row.key());
            s.executeUpdate();
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>A row whose name is not a valid path segment (written by hand into the table) is not listed,
   * as the file storage skips stray files.
   */
  @Override
  public List<String> list(String prefix) throws VaultException {
    StoragePaths.checkPrefix(prefix);
    String folder = StorageKey.folderOf(prefix);
    String upper = folder.substring(0, folder.length() - 1) + (char) ('/' + 1);
    return run(
        "list of " + (prefix.isEmpty() ? "the top level" : prefix),
        c -> {
          TreeSet<String> names = new TreeSet<>();
          try (PreparedStatement s = c.prepareStatement(listSql)) {
            s.setString(1, folder);
            s.setInt(2, folder.length() + 1);
            s.setString(3, folder);
            s.setString(4, upper);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                String name = r.getString(1);
                if (name != null && isValidName(name)) {
                  names.add(name);
                }
              }
            }
          }
          return List.copyOf(names);
        });
  }

  /** Closes both pools; a holding of the HA lock should be released first. */
  @Override
  public void close() {
    pool.close();
    if (lockPool != null) {
      lockPool.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresqlStorage[" + url.address() + ", table " + tables.kvName() + "]";
  }

  private static boolean isValidName(String name) {
    String segment = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (segment.isEmpty() || segment.indexOf('/') >= 0) {
      return false;
    }
    try {
      StoragePaths.check(segment);
      return true;
    } catch (InvalidRequestException e) {
      return false;
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException, VaultException;
  }

  @FunctionalInterface
  private interface WriteWork {
    void run(Connection c) throws SQLException;
  }

  /** One transaction: the fence, the write, the commit; a failure rolls back. */
  private void write(String operation, WriteWork work) throws VaultException {
    run(
        operation,
        c -> {
          WriteFence current = fence;
          c.setAutoCommit(false);
          try {
            current.check(c);
            work.run(c);
            c.commit();
            return null;
          } catch (SQLException | VaultException | RuntimeException e) {
            PostgresqlHaLock.rollbackQuietly(c);
            throw e;
          }
        });
  }

  /**
   * Runs {@code work} on a pooled connection. When the connection turns out to be dead (the
   * database restarted since the pool last used it) it runs once more on another: the pool drops
   * the dead one. A pool that cannot connect at all is not retried; it has waited already.
   */
  private <T> T run(String operation, Work<T> work) throws VaultException {
    for (int attempt = 1; ; attempt++) {
      Connection connection;
      try {
        connection = pool.getConnection();
      } catch (SQLException e) {
        throw errors.of(operation, e);
      }
      try (connection) {
        return work.run(connection);
      } catch (SQLException e) {
        if (attempt == 1 && DatabaseFailure.isConnectionLost(e)) {
          LOG.debug("{}: connection lost, trying another", operation, e);
          continue;
        }
        throw errors.of(operation, e);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
