package io.brine.master.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.Aead;
import io.brine.master.cluster.ClusterSecrets;
import io.brine.master.jobs.AddResult;
import io.brine.master.jobs.Jid;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobReturn;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.JobStoreContract;
import io.brine.master.jobs.JobStoreUnavailableException;
import io.brine.master.jobs.JobView;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job store of a cluster, against a real PostgreSQL: the {@link JobStoreContract} (so it
 * answers as the file cache does), what the database sees (ciphertext bound to its row), two
 * masters on one database, the fence, and a database that goes away and comes back.
 */
class SharedJobCacheTest extends JobStoreContract {
  private PostgresServer.Database database;
  private HikariDataSource pool;
  private final Aead aead = TestDatabase.freshAead();
  private final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeEach
  void freshDatabase() {
    database = PostgresServer.shared().newDatabase();
    pool = newPool(database);
  }

  private HikariDataSource newPool(PostgresServer.Database db) {
    HikariDataSource p = TestDatabase.pool(db);
    pools.add(p);
    return p;
  }

  @Override
  protected void afterStoresClosed() {
    pools.forEach(HikariDataSource::close);
  }

  @Override
  protected JobStore openStore(int maxJobs, Duration keepJobs, Clock clock) throws IOException {
    return SharedJobCache.open(pool, aead, WriteFence.NONE, maxJobs, keepJobs, clock);
  }

  @Override
  protected List<String> storedEntries() throws IOException {
    List<String> jids = new ArrayList<>();
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT jid FROM brine_jobs ORDER BY jid")) {
      while (rs.next()) {
        jids.add(rs.getString(1));
      }
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) { // no table yet: nothing stored
        throw new IOException(e);
      }
    }
    return jids;
  }

  @Override
  protected long storedReturns(String jid) throws IOException {
    try (Connection c = database.connect();
        var ps = c.prepareStatement("SELECT count(*) FROM brine_job_returns WHERE jid = ?")) {
      ps.setString(1, jid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IOException(e);
    }
  }

  private SharedJobCache openShared() throws IOException {
    return (SharedJobCache) open();
  }

  @Test
  void theDatabaseSeesIdsTimesAndCounts_andOnlyCiphertextOfWhatAJobOrReturnSays()
      throws Exception {
    SharedJobCache store = openShared();
    JobRecord job =
        new JobRecord(
            Jid.of(NOW),
            "cmd.run",
            List.of("cat /etc/shadow-of-the-job"),
            Map.of("password", "kwarg-hunter2"),
            "web*,db1-target-expression",
            "glob",
            List.of(WEB1, WEB2),
            List.of(DB1),
            NOW);
    store.create(job);
    store.addReturn(
        job.jid(),
        new JobReturn(WEB1, "cmd.run", "root:$6$return-secret", 0, true, NOW.plusSeconds(1)));

    List<String> plaintexts =
        List.of(
            "cmd.run", "shadow-of-the-job", "kwarg-hunter2", "password", "target-expression",
            "return-secret");
    for (String table : List.of("brine_jobs", "brine_job_returns")) {
      List<byte[]> cells = cells(table);
      assertThat(cells).isNotEmpty();
      for (byte[] cell : cells) {
        for (String plain : plaintexts) {
          assertThat(contains(cell, plain.getBytes(StandardCharsets.UTF_8)))
              .as("%s holds '%s' in the clear", table, plain)
              .isFalse();
        }
      }
    }
    // What an operator's SQL may ask stays in columns.
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT j.jid, j.started, cardinality(j.minions), j.missing[1], r.minion,"
                    + " r.received FROM brine_jobs j JOIN brine_job_returns r USING (jid)")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(job.jid());
      assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(NOW);
      assertThat(rs.getInt(3)).isEqualTo(2);
      assertThat(rs.getString(4)).isEqualTo("db1");
      assertThat(rs.getString(5)).isEqualTo("web1");
      assertThat(rs.getTimestamp(6).toInstant()).isEqualTo(NOW.plusSeconds(1));
    }
  }

  @Test
  void aValueMovedToAnotherRowDoesNotOpenThere() throws Exception {
    SharedJobCache store = openShared();
    JobRecord a = job(NOW);
    JobRecord b = job(NOW.plusSeconds(1));
    store.create(a);
    store.create(b);
    store.addReturn(a.jid(), ret(WEB1, "web1 says"));
    store.addReturn(a.jid(), ret(WEB2, "web2 says"));

    try (LogLines log = LogLines.of(SharedJobCache.class)) {
      // A database writer swaps two minions' returns, and gives db1 a copy of web1's.
      TestDatabase.execute(
          database,
          "UPDATE brine_job_returns r SET ret = o.ret FROM brine_job_returns o"
              + " WHERE r.jid = o.jid AND r.minion <> o.minion");
      TestDatabase.execute(
          database,
          "INSERT INTO brine_job_returns (jid, minion, received, ret)"
              + " SELECT jid, 'db1', received, ret FROM brine_job_returns WHERE minion = 'web1'");
      JobView view = store.find(a.jid()).orElseThrow();
      assertThat(view.returns()).isEmpty();
      assertThat(log.containing("skipped 3 return(s) that do not open")).hasSize(1);
      assertThat(store.addReturn(a.jid(), ret(WEB1, "web1 says")))
          .as("the row stays; what is in it cannot be shown, so a new return is not taken")
          .isEqualTo(AddResult.CONFLICTING);

      // ... and swaps two jobs.
      TestDatabase.execute(
          database,
          "UPDATE brine_jobs j SET job = o.job FROM brine_jobs o WHERE j.jid <> o.jid");
      SharedJobCache restarted = openShared(); // nothing remembered
      assertThat(restarted.find(a.jid())).isEmpty();
      assertThat(restarted.find(b.jid())).isEmpty();
      assertThat(restarted.list()).isEmpty();
      assertThat(restarted.addReturn(b.jid(), ret(WEB1, "x"))).isEqualTo(AddResult.UNKNOWN_JOB);
      assertThat(log.containing("its row does not open")).isNotEmpty();
    }
  }

  @Test
  void anotherKeyOpensNothing() throws Exception {
    SharedJobCache store = openShared();
    JobRecord job = job(NOW);
    store.create(job);
    store.addReturn(job.jid(), ret(WEB1, "x"));

    try (SharedJobCache other =
        SharedJobCache.open(
            pool,
            TestDatabase.freshAead(),
            WriteFence.NONE,
            100,
            Duration.ofHours(24),
            clock)) {
      assertThat(other.find(job.jid())).isEmpty();
      assertThat(other.list()).isEmpty();
    }
  }

  @Test
  void whileTheClustersKeyIsNotLoaded_callsFailAsUnavailable_notAsRowsThatDoNotOpen()
      throws Exception {
    ClusterSecrets secrets = new ClusterSecrets(() -> true, new SecureRandom());
    InMemoryStorage barrier = new InMemoryStorage();
    SharedJobCache store =
        SharedJobCache.open(
            pool, secrets.dataAead(), WriteFence.NONE, 100, Duration.ofHours(24), clock);
    try (LogLines log = LogLines.of(SharedJobCache.class)) {
      JobRecord job = job(NOW);
      assertThatThrownBy(() -> store.create(job))
          .isInstanceOf(JobStoreUnavailableException.class)
          .hasMessageStartingWith("the job store's key is not available: ");

      secrets.unsealed(barrier); // the active master makes the cluster's keys
      store.create(job);
      assertThat(store.addReturn(job.jid(), ret(WEB1, "x"))).isEqualTo(AddResult.ADDED);

      secrets.sealed();
      assertThatThrownBy(() -> store.find(job.jid()))
          .isInstanceOf(JobStoreUnavailableException.class);
      assertThatThrownBy(() -> store.list()).isInstanceOf(JobStoreUnavailableException.class);
      assertThatThrownBy(() -> store.addReturn(job.jid(), ret(WEB2, "y")))
          .isInstanceOf(JobStoreUnavailableException.class);
      assertThat(log.containing("does not open")).isEmpty();

      secrets.unsealed(barrier);
      assertThat(store.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
      assertThat(store.addReturn(job.jid(), ret(WEB2, "y"))).isEqualTo(AddResult.ADDED);
    } finally {
      store.close();
    }
  }

  @Test
  void twoMastersOnOneDatabaseSeeEachOthersJobsAndReturns() throws Exception {
    SharedJobCache m1 = openShared();
    SharedJobCache m2 =
        SharedJobCache.open(
            newPool(database), aead, WriteFence.NONE, 100, Duration.ofHours(24), clock);
    try {
      JobRecord job = job(NOW);
      m1.create(job);
      assertThat(m2.list()).containsExactly(job);
      assertThatThrownBy(() -> m2.create(job)).hasMessageContaining("already exists");

      assertThat(m2.addReturn(job.jid(), ret(WEB1, "from m2"))).isEqualTo(AddResult.ADDED);
      assertThat(m1.addReturn(job.jid(), ret(WEB2, "from m1"))).isEqualTo(AddResult.ADDED);
      assertThat(m1.addReturn(job.jid(), ret(WEB1, "from m2")))
          .as("web1 moved to m1 and sent its return again")
          .isEqualTo(AddResult.ALREADY_STORED);
      assertThat(m1.addReturn(job.jid(), ret(WEB1, "other"))).isEqualTo(AddResult.CONFLICTING);
      for (SharedJobCache m : List.of(m1, m2)) {
        JobView view = m.find(job.jid()).orElseThrow();
        assertThat(view.returns().get(WEB1).ret()).isEqualTo("from m2");
        assertThat(view.returns().get(WEB2).ret()).isEqualTo("from m1");
        assertThat(m.returnedCount(job.jid())).hasValue(2);
      }

      // m2 purges what expired; m1, which remembered the job, finds it gone too.
      clock.set(NOW.plus(Duration.ofHours(25)));
      assertThat(m2.purgeExpired()).isEqualTo(1);
      assertThat(m1.find(job.jid())).isEmpty();
      assertThat(m1.addReturn(job.jid(), ret(DB1, "late"))).isEqualTo(AddResult.UNKNOWN_JOB);
    } finally {
      m2.close();
    }
  }

  @Test
  void returnsRacingOnTwoMasters_eachMinionStoredOnce() throws Exception {
    SharedJobCache m1 = openShared();
    SharedJobCache m2 =
        SharedJobCache.open(
            newPool(database), aead, WriteFence.NONE, 100, Duration.ofHours(24), clock);
    try {
      List<MinionId> minions = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        minions.add(MinionId.of("m" + i));
      }
      JobRecord job =
          new JobRecord(
              Jid.of(NOW), "test.ping", List.of(), Map.of(), "m*", "glob", minions, List.of(), NOW);
      m1.create(job);
      // Every minion returns to both masters (it failed over and re-sent), all at once.
      List<Callable<AddResult>> tasks = new ArrayList<>();
      for (MinionId id : minions) {
        tasks.add(() -> m1.addReturn(job.jid(), ret(id, true)));
        tasks.add(() -> m2.addReturn(job.jid(), ret(id, true)));
      }
      List<AddResult> results = runAll(tasks);
      assertThat(results).filteredOn(r -> r == AddResult.ADDED).hasSize(300);
      assertThat(results).filteredOn(r -> r == AddResult.ALREADY_STORED).hasSize(300);
      assertThat(storedReturns(job.jid())).isEqualTo(300);
    } finally {
      m2.close();
    }
  }

  @Test
  void aReturnThatLandedBesideAPurgeGoesWithTheNext() throws Exception {
    SharedJobCache store = openShared();
    JobRecord kept = job(NOW);
    store.create(kept);
    String gone = Jid.of(NOW.minus(Duration.ofHours(30)));
    TestDatabase.execute(
        database,
        "INSERT INTO brine_job_returns (jid, minion, received, ret) VALUES ('" + gone
            + "', 'web1', now(), '\\x00')");

    assertThat(store.purgeExpired()).isZero(); // no job removed, the stray return with them
    assertThat(storedReturns(gone)).isZero();
    assertThat(storedEntries()).containsExactly(kept.jid());
  }

  @Test
  void createIsFenced_returnsAreNot() throws Exception {
    AtomicBoolean active = new AtomicBoolean(false);
    AtomicBoolean inTransaction = new AtomicBoolean();
    WriteFence fence =
        tx -> {
          inTransaction.set(!tx.getAutoCommit());
          if (!active.get()) {
            throw new FencedWriteException("this master is a standby: writes go to the active");
          }
        };
    SharedJobCache standby =
        SharedJobCache.open(pool, aead, fence, 100, Duration.ofHours(24), clock);
    try {
      JobRecord job = job(NOW);
      assertThatThrownBy(() -> standby.create(job))
          .isInstanceOf(FencedJobWriteException.class)
          .hasMessage("this master is a standby: writes go to the active")
          .hasCauseInstanceOf(FencedWriteException.class);
      assertThat(inTransaction).isTrue();
      assertThat(storedEntries()).isEmpty();

      SharedJobCache active1 = openShared();
      active1.create(job);
      assertThat(standby.addReturn(job.jid(), ret(WEB1, "x")))
          .as("every master stores the returns of its minions")
          .isEqualTo(AddResult.ADDED);

      active.set(true);
      standby.create(job(NOW.plusSeconds(1)));
      standby.fence(
          tx -> {
            throw new FencedWriteException("fenced write refused: this master lost the HA lock");
          });
      assertThatThrownBy(() -> standby.create(job(NOW.plusSeconds(2))))
          .isInstanceOf(FencedJobWriteException.class)
          .hasMessageContaining("lost the HA lock");
      assertThat(storedEntries()).hasSize(2);
    } finally {
      standby.close();
    }
  }

  @Test
  void twoMastersCreatingTheTablesAtOnceBothOpen() throws Exception {
    List<Callable<SharedJobCache>> opens = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HikariDataSource p = newPool(database);
      opens.add(() -> SharedJobCache.open(p, aead, WriteFence.NONE, 10, Duration.ofHours(1), clock));
    }
    List<SharedJobCache> stores = runAll(opens);
    stores.forEach(SharedJobCache::close);
    assertThat(stores).hasSize(4);
  }

  @Test
  void tablesMadeByTheDba_aRoleThatMayNotCreateTablesOpensThem() throws Exception {
    openShared().close(); // the tables exist now, owned by the DBA
    TestDatabase.execute(database, "CREATE ROLE brine_jobs_user LOGIN PASSWORD 'jobs-pw'");
    TestDatabase.execute(database, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    TestDatabase.execute(
        database,
        "GRANT SELECT, INSERT, DELETE ON brine_jobs, brine_job_returns TO brine_jobs_user");
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(database.jdbcUrl());
    config.setUsername("brine_jobs_user");
    config.setPassword("jobs-pw");
    config.setMaximumPoolSize(2);
    HikariDataSource limited = new HikariDataSource(config);
    pools.add(limited);
    try (SharedJobCache store =
        SharedJobCache.open(limited, aead, WriteFence.NONE, 10, Duration.ofHours(1), clock)) {
      JobRecord job = job(NOW);
      store.create(job);
      assertThat(store.addReturn(job.jid(), ret(WEB1, "x"))).isEqualTo(AddResult.ADDED);
      assertThat(store.find(job.jid()).orElseThrow().returns()).containsOnlyKeys(WEB1);
    }
  }

  @Test
  void theDatabaseGoneFailsEachCallInOneLine_andNothingAcknowledgedIsLost() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      PostgresServer.Database db = own.newDatabase();
      HikariDataSource p = newPool(db);
      try (SharedJobCache store =
          SharedJobCache.open(p, aead, WriteFence.NONE, 100, Duration.ofHours(24), clock)) {
        List<MinionId> minions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          minions.add(MinionId.of("m" + i));
        }
        JobRecord job =
            new JobRecord(
                Jid.of(NOW), "test.ping", List.of(), Map.of(), "m*", "glob", minions, List.of(),
                NOW);
        store.create(job);
        List<CompletableFuture<AddResult>> acks = new ArrayList<>();
        for (MinionId id : minions.subList(0, 40)) {
          acks.add(store.addReturnAsync(job.jid(), ret(id, true)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();

        own.stopImmediately(); // as a crash: only what was committed survives
        assertThatThrownBy(() -> store.addReturn(job.jid(), ret(minions.get(40), true)))
            .isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageStartingWith("PostgreSQL unreachable: ")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain(own.password()));
        assertThatThrownBy(() -> store.find(job.jid()))
            .isInstanceOf(DatabaseUnavailableException.class);
        assertThatThrownBy(() -> store.create(job(NOW.plusSeconds(5))))
            .isInstanceOf(DatabaseUnavailableException.class);

        own.restart();
        awaitAnswers(p); // the pool finds the server again
        JobView view = store.find(job.jid()).orElseThrow();
        assertThat(view.returns().keySet())
            .containsExactlyInAnyOrderElementsOf(minions.subList(0, 40));
        assertThat(store.addReturn(job.jid(), ret(minions.get(40), true)))
            .as("the minion sends the refused return again")
            .isEqualTo(AddResult.ADDED);
        assertThat(store.addReturn(job.jid(), ret(minions.get(0), true)))
            .isEqualTo(AddResult.ALREADY_STORED);
      }
    }
  }

  static void awaitAnswers(javax.sql.DataSource pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = pool.getConnection()) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        assertThat(System.nanoTime()).as("the pool answers within 30 s").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  /** Every cell of every row of {@code table}, as the bytes the database holds. */
  private List<byte[]> cells(String table) throws SQLException {
    List<byte[]> cells = new ArrayList<>();
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          byte[] cell =
              "bytea".equals(meta.getColumnTypeName(i))
                  ? rs.getBytes(i)
                  : String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8);
          cells.add(cell);
        }
      }
    }
    return cells;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
