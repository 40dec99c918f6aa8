package io.brine.master.pki.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.master.pki.KeysUnavailable;
import io.brine.vault.testing.PostgresServer;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshakes' memory of an unreachable database, on a clock the test moves, with its probes
 * against real pools: one on a port nothing listens on, one on a real PostgreSQL.
 */
class DatabaseOutageTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<HikariDataSource> pools = new ArrayList<>();
  private final KeysUnavailable refused =
      new KeysUnavailable(
          "minion key store (PostgreSQL) unreachable: Connection refused",
          SqlFailure.UNREACHABLE,
          new IllegalStateException("the driver's"));

  /** Probes run where the test says: the list holds each until the test runs it. */
  private final List<Runnable> heldProbes = new ArrayList<>();

  private final Executor held = heldProbes::add;

  @AfterEach
  void close() {
    pools.forEach(HikariDataSource::close);
  }

  private HikariDataSource pool(String jdbcUrl, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(PostgresServer.USER);
    config.setPassword(password);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(250); // HikariCP's floor
    config.setInitializationFailTimeout(-1); // a pool on nothing opens all the same
    config.setPoolName("outage-test");
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return pool;
  }

  private HikariDataSource nothingListening() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return pool("jdbc:postgresql://127.0.0.1:" + port + "/brine", "unused");
  }

  private HikariDataSource reachable() {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    return pool(db.jdbcUrl(), db.server().password());
  }

  @Test
  void noFinding_everyHandshakeAsksTheDatabase() throws Exception {
    DatabaseOutage outage = new DatabaseOutage(reachable(), now::get, held);
    outage.before();
    outage.after(null);
    assertThatCode(outage::before).doesNotThrowAnyException();
    assertThat(heldProbes).as("nothing to probe").isEmpty();
  }

  @Test
  void afterAnUnreachableFinding_handshakesAreAnsweredFromIt_withoutAskingTheDatabase()
      throws Exception {
    DatabaseOutage outage = new DatabaseOutage(reachable(), now::get, held);
    outage.before();
    outage.after(refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos() - 1);

    assertThatThrownBy(outage::before)
        .isInstanceOf(KeysUnavailable.class)
        .hasMessage(refused.getMessage())
        .hasNoCause()
        .extracting(e -> ((KeysUnavailable) e).answer())
        .isEqualTo(SqlFailure.UNREACHABLE);
    assertThat(heldProbes).isEmpty();
  }

  @Test
  void aStaleFinding_isProbedOnce_theOthersAreAnsweredMeanwhile_andAProbeThatReachesItClearsIt()
      throws Exception {
    DatabaseOutage outage = new DatabaseOutage(reachable(), now::get, held);
    outage.after(refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos());

    // The probe does not finish (held here): its HELLO is answered after PROBE_WAIT.
    assertThatThrownBy(outage::before).isInstanceOf(KeysUnavailable.class);
    assertThat(heldProbes).hasSize(1);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos() * 10);
    assertThatThrownBy(outage::before).as("one probe at a time").isInstanceOf(KeysUnavailable.class);
    assertThat(heldProbes).hasSize(1);

    heldProbes.remove(0).run(); // it reaches the real database

    assertThatCode(outage::before).doesNotThrowAnyException();
    assertThat(heldProbes).isEmpty();
  }

  @Test
  void aProbeThatCannotConnect_renewsTheFinding_andTheNextProbeWaitsForTheRecheck()
      throws Exception {
    AtomicLong probed = new AtomicLong();
    Executor counted =
        probe -> {
          probed.incrementAndGet();
          probe.run(); // on this thread: done before the HELLO's wait begins
        };
    DatabaseOutage outage = new DatabaseOutage(nothingListening(), now::get, counted);
    outage.after(refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos());

    assertThatThrownBy(outage::before)
        .as("probed, still unreachable: the probe's own finding")
        .isInstanceOf(KeysUnavailable.class)
        .hasMessageStartingWith("minion key store (PostgreSQL) unreachable: ")
        .hasNoCause();
    assertThat(probed).hasValue(1);

    assertThatThrownBy(outage::before).isInstanceOf(KeysUnavailable.class);
    assertThat(probed).as("renewed by the probe: no second one yet").hasValue(1);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos());
    assertThatThrownBy(outage::before).isInstanceOf(KeysUnavailable.class);
    assertThat(probed).hasValue(2);
  }

  @Test
  void aProbeAfterTheDatabaseIsBack_letsItsOwnHelloThrough() throws Exception {
    DatabaseOutage outage = new DatabaseOutage(reachable(), now::get, Runnable::run);
    outage.after(refused);
    now.addAndGet(DatabaseOutage.RECHECK.toNanos());

    assertThatCode(outage::before).doesNotThrowAnyException();
    assertThatCode(outage::before).doesNotThrowAnyException();
  }
}
