package io.brine.master.jobs.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.Aead;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** A pool on a test database, as the master makes one (HikariCP), with short timeouts. */
final class TestDatabase {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private TestDatabase() {}

  static HikariDataSource pool(PostgresServer.Database db) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("brine-test-jobs-" + POOLS.incrementAndGet());
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPassword(db.server().password());
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    // A stopped server answers "refused" at once; the pool gives up on it within 2 s.
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** An unpooled connection, as the queue's LISTEN takes one. */
  static JobQueue.Connector connector(PostgresServer.Database db) {
    return () -> {
      Properties props = new Properties();
      props.setProperty("user", PostgresServer.USER);
      props.setProperty("password", db.server().password());
      props.setProperty("connectTimeout", "2");
      return DriverManager.getConnection(db.jdbcUrl(), props);
    };
  }

  static Aead freshAead() {
    return RandomNonceAesGcm.create(AesGcmKey.generate());
  }

  static void execute(PostgresServer.Database db, String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
