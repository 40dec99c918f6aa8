package io.brine.master.pki.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.mac.HmacSha256;
import io.brine.vault.testing.PostgresServer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Supplier;

/** A pool on a new database of a real PostgreSQL, and a cluster's row key, for one test class. */
final class TestDatabase implements AutoCloseable {
  final PostgresServer.Database database;
  final HikariDataSource pool;
  private final HmacSha256 macKey = HmacSha256.create(SecretBytes.random(32, new SecureRandom()));

  /** The row key as {@code ClusterSecrets#keyMac} gives it: loaded, as after an unseal. */
  final Supplier<Optional<HmacSha256>> mac = () -> Optional.of(macKey);

  private TestDatabase(PostgresServer.Database database, long connectionTimeoutMillis) {
    this.database = database;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPassword(database.server().password());
    config.setMaximumPoolSize(12);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setPoolName("keys-test");
    this.pool = new HikariDataSource(config);
  }

  /** A new database on the server this JVM's tests share. */
  static TestDatabase create() {
    return new TestDatabase(PostgresServer.shared().newDatabase(), 30_000);
  }

  /** A new database on {@code server}, whose pool gives up on a connection after {@code millis}. */
  static TestDatabase on(PostgresServer server, long connectionTimeoutMillis) {
    return new TestDatabase(server.newDatabase(), connectionTimeoutMillis);
  }

  /** Runs {@code sql} as the database's owner: what a writer with access to the tables can do. */
  int execute(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
