package io.brine.vault.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test server itself: what the cluster tests rely on it for. */
class PostgresServerTest {

  @Test
  void aCommittedRowSurvivesACrashOfTheServer() throws Exception {
    try (PostgresServer server = PostgresServer.start()) {
      PostgresServer.Database db = server.newDatabase();
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (v INT)");
        s.execute("INSERT INTO t VALUES (42)");
      }
      server.stopImmediately();
      assertThat(server.running()).isFalse();
      assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
      server.restart();
      try (Connection c = db.connect();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT v FROM t")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(42);
      }
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    String url = db.jdbcUrl();
    assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, PostgresServer.USER, "wrong"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void theServerRunsAsAnUnprivilegedUser() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      long pid = r.getLong(1);
      String uid =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("Uid:"))
              .findFirst()
              .orElseThrow();
      assertThat(uid.split("\\s+")[1]).isNotEqualTo("0");
    }
  }
}
