package io.brine.master.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.aead.Aead;
import io.brine.master.grains.GrainStore;
import io.brine.protocol.MinionId;
import io.brine.vault.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster's grains against a real PostgreSQL: two masters on one database see the same grains,
 * the database holds only ciphertext bound to its minion's row, and a removed key's row goes.
 */
class SharedGrainStoreTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId DB1 = MinionId.of("db1");

  private PostgresServer.Database database;
  private HikariDataSource poolA;
  private HikariDataSource poolB;
  private final Aead aead = TestDatabase.freshAead();

  @BeforeEach
  void freshDatabase() {
    database = PostgresServer.shared().newDatabase();
    poolA = TestDatabase.pool(database);
    poolB = TestDatabase.pool(database);
  }

  @AfterEach
  void close() {
    poolA.close();
    poolB.close();
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void twoMasters_resolveOnTheSameGrains_sealedInTheDatabase() throws Exception {
    GrainStore a = SharedGrainStore.open(poolA, aead);
    GrainStore b = SharedGrainStore.open(poolB, aead);
    a.put(WEB1, json("{\"os\":\"Debian\",\"secret_rack\":\"r7\"}"));
    b.put(DB1, json("{\"os\":\"CentOS\"}"));

    assertThat(b.snapshot().grains(WEB1)).containsEntry("os", "Debian");
    assertThat(a.snapshot().grains(DB1)).containsEntry("os", "CentOS");
    assertThat(a.snapshot().size()).isEqualTo(2);

    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT grains FROM brine_minion_grains")) {
      while (rs.next()) {
        assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1))
            .doesNotContain("Debian")
            .doesNotContain("r7");
      }
    }

    a.put(WEB1, json("{\"os\":\"Ubuntu\"}"));
    assertThat(b.snapshot().grains(WEB1)).containsEntry("os", "Ubuntu");
    b.remove(WEB1);
    assertThat(a.snapshot().grains(WEB1)).isNull();
  }

  @Test
  void aRowMovedToAnotherMinion_doesNotOpen() throws Exception {
    GrainStore a = SharedGrainStore.open(poolA, aead);
    a.put(WEB1, json("{\"os\":\"Debian\"}"));
    a.put(DB1, json("{\"os\":\"CentOS\"}"));
    TestDatabase.execute(
        database,
        "UPDATE brine_minion_grains SET grains = (SELECT grains FROM brine_minion_grains"
            + " WHERE minion = 'web1') WHERE minion = 'db1'");
    assertThat(a.snapshot().grains(DB1)).isNull();
    assertThat(a.snapshot().grains(WEB1)).containsEntry("os", "Debian");
  }
}
