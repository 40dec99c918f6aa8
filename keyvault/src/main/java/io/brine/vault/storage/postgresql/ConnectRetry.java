package io.brine.vault.storage.postgresql;

import io.brine.vault.VaultException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaching the database at start, as OpenBao does ({@code doRetryConnect}): connect and ask the
 * server's version, up to {@code max_connect_retries} times (0: no limit), waiting between attempts
 * by the exponential backoff OpenBao takes from cenkalti/backoff — 15 ms at first, each wait 1.5
 * times the last with ±50% jitter, at most 5 s — and giving up, as that backoff does, once 15
 * minutes have passed.
 */
final class ConnectRetry {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectRetry.class);

  static final Duration INITIAL_INTERVAL = Duration.ofMillis(15);
  static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
  static final Duration MAX_ELAPSED = Duration.ofMinutes(15);
  static final double MULTIPLIER = 1.5;
  static final double RANDOMIZATION = 0.5;

  /** ON CONFLICT, which every write uses, came with 9.5; OpenBao refuses older servers too. */
  private static final int MIN_SERVER_VERSION = 90500;

  private ConnectRetry() {}

  /** Returns once a connection works; throws the last failure once the attempts are spent. */
  static void await(ConnectionUrl url, int maxTries, DatabaseFailure errors) throws VaultException {
    org.postgresql.Driver driver = new org.postgresql.Driver();
    Properties properties = ConnectionPool.driverProperties(url);
    long start = System.nanoTime();
    double interval = INITIAL_INTERVAL.toNanos();
    for (int tries = 1; ; tries++) {
      SQLException failure;
      try (Connection connection = driver.connect(url.jdbcUrl(), properties)) {
        checkVersion(connection, errors);
        return;
      } catch (SQLException e) {
        failure = e;
      }
      if (maxTries > 0 && tries >= maxTries) {
        throw errors.of("connection", failure);
      }
      long wait = randomized(interval);
      if (System.nanoTime() - start + wait > MAX_ELAPSED.toNanos()) {
        throw errors.of("connection", failure);
      }
      if (tries == 1) {
        LOG.warn("{}; retrying", errors.describe("connection", failure));
      } else {
        LOG.debug("PostgreSQL storage not ready (attempt {})", tries, failure);
      }
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VaultException(
            "interrupted while waiting for PostgreSQL storage at " + errors.address());
      }
      interval = Math.min(interval * MULTIPLIER, MAX_INTERVAL.toNanos());
    }
  }

  private static void checkVersion(Connection connection, DatabaseFailure errors)
      throws SQLException, VaultException {
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
      result.next();
      int version = result.getInt(1);
      if (version < MIN_SERVER_VERSION) {
        throw new VaultException(
            "PostgreSQL storage at "
                + errors.address()
                + " runs PostgreSQL "
                + version
                + "; 9.5 or newer is needed");
      }
    }
  }

  /** The interval, spread uniformly over ±RANDOMIZATION of itself, as cenkalti/backoff does. */
  static long randomized(double interval) {
    double delta = RANDOMIZATION * interval;
    return (long) ThreadLocalRandom.current().nextDouble(interval - delta, interval + delta + 1);
  }
}
