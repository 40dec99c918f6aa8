package io.brine.vault.storage.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

/**
 * The HikariCP pools of a {@link PostgresqlStorage}, and the driver settings every connection of
 * brine's gets unless the URL says otherwise.
 */
final class ConnectionPool {
  /** A connection attempt's limit when the URL sets no connect_timeout, in seconds. */
  static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

  /**
   * A statement's socket read limit when the URL sets none, in seconds: OpenBao bounds a request at
   * 90 s (DefaultMaxRequestDuration), which is what ends a query to a database that vanished
   * without a reset. Every statement of the vault's is a single-row one.
   */
  static final int DEFAULT_SOCKET_TIMEOUT_SECONDS = 90;

  private static final AtomicInteger POOLS = new AtomicInteger();

  /**
   * The driver logs through java.util.logging; left alone it prints its warnings to stderr in JUL's
   * two-line format. brine reports database failures itself, in one line, so the driver is quiet
   * unless an operator set its level. Held here so that JUL does not forget the setting.
   */
  private static final java.util.logging.Logger DRIVER_LOG =
      java.util.logging.Logger.getLogger("org.postgresql");

  static {
    if (DRIVER_LOG.getLevel() == null) {
      DRIVER_LOG.setLevel(Level.OFF);
    }
  }

  private ConnectionPool() {}

  /** The driver's properties for {@code url}: the URL's own, then brine's defaults. */
  static Properties driverProperties(ConnectionUrl url) {
    Properties properties = url.driverProperties();
    properties.putIfAbsent("ApplicationName", "brine");
    properties.putIfAbsent("connectTimeout", Integer.toString(DEFAULT_CONNECT_TIMEOUT_SECONDS));
    properties.putIfAbsent("socketTimeout", Integer.toString(DEFAULT_SOCKET_TIMEOUT_SECONDS));
    properties.putIfAbsent("tcpKeepAlive", "true");
    return properties;
  }

  /**
   * How long a caller waits for a connection from the pool: the URL's connect timeout (at least one
   * second), so that with the database down an operation fails in about the time one attempt to
   * connect would take.
   */
  static Duration waitForConnection(ConnectionUrl url) {
    String configured = driverProperties(url).getProperty("connectTimeout");
    int seconds = Integer.parseInt(configured);
    return Duration.ofSeconds(seconds == 0 ? 30 : Math.max(1, seconds));
  }

  /**
   * A pool on {@code url}. It does not connect first: {@link ConnectRetry} has reached the database
   * already, and a pool that cannot connect later waits {@code wait} and fails the one operation
   * rather than the process.
   *
   * @param purpose a word for the pool's name and threads ("vault", "ha"): never a secret
   */
  static HikariDataSource open(
      ConnectionUrl url, String purpose, int maxSize, int minIdle, Duration wait) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("brine-postgresql-" + purpose + "-" + POOLS.incrementAndGet());
    config.setDriverClassName(org.postgresql.Driver.class.getName());
    config.setJdbcUrl(url.jdbcUrl());
    config.setDataSourceProperties(driverProperties(url));
    config.setMaximumPoolSize(maxSize);
    config.setMinimumIdle(Math.min(minIdle, maxSize));
    // HikariCP's floor for both timeouts is 250 ms; below it, it silently takes 30 s instead.
    long waitMillis = Math.max(250, wait.toMillis());
    config.setConnectionTimeout(waitMillis);
    config.setValidationTimeout(Math.min(waitMillis, Duration.ofSeconds(5).toMillis()));
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }
}
