package io.brine.vault.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.vault.storage.postgresql.PostgresqlHaLock.Held;
import io.brine.vault.storage.postgresql.PostgresqlHaLock.Timing;
import io.brine.vault.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HA lock on a real PostgreSQL, with short timings: who wins, how long, how it is lost, and
 * what a master that lost it can still write (nothing).
 */
class PostgresqlHaLockTest {
  /** 2 s TTL, renewed every 0.5 s, tried every 0.2 s; statements time out after 1.33 s. */
  private static final Timing FAST =
      new Timing(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(200));

  /** Generous bound for anything that should happen within a TTL or two, on a loaded machine. */
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static PostgresServer.Database db;

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private final List<BlockableDataSource> gates = new ArrayList<>();
  private PostgresqlConfig config;

  @BeforeAll
  static void database() {
    db = PostgresServer.shared().newDatabase();
  }

  @BeforeEach
  void freshTables() {
    int n = TABLES.incrementAndGet();
    config = new PostgresqlConfig(db.connectionUrl(), "kv_" + n, true, "ha_" + n, 4, 0, 1, false);
  }

  @AfterEach
  void closeAll() throws Exception {
    gates.forEach(BlockableDataSource::unblock); // a failed test must not leave a thread waiting
    for (Held h : held) {
      h.release();
    }
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  /** A master: its own storage, pools and lock on the shared tables. */
  private PostgresqlStorage master(Timing timing) throws Exception {
    PostgresqlStorage storage = PostgresqlStorage.open(config, timing);
    opened.add(storage);
    return storage;
  }

  private PostgresqlHaLock lockOf(PostgresqlStorage storage) {
    return storage.haLock().orElseThrow();
  }

  /** A lock whose renewals go through a pool the test can block, as a paused master's would. */
  private PostgresqlHaLock blockableLock(BlockableDataSource[] handle, Timing timing) {
    ConnectionUrl url = config.url();
    HikariDataSource pool = ConnectionPool.open(url, "test-ha", 2, 0, Duration.ofSeconds(5));
    opened.add(pool);
    handle[0] = new BlockableDataSource(pool);
    gates.add(handle[0]);
    return new PostgresqlHaLock(
        handle[0], config.haTable(), PostgresqlHaLock.CORE_LOCK, timing, new DatabaseFailure(url));
  }

  private Held acquire(PostgresqlHaLock lock, String value) throws Exception {
    Held h = lock.tryAcquire(value).orElseThrow(() -> new AssertionError("lock not acquired"));
    held.add(h);
    return h;
  }

  // ---------------------------------------------------------------- who wins

  @ParameterizedTest
  @ValueSource(ints = {2, 8})
  void contenders_racingForAFreeOrExpiredLock_exactlyOneWinsEveryRound(int contenders)
      throws Exception {
    List<PostgresqlHaLock> locks = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      locks.add(lockOf(master(FAST)));
    }
    PostgresqlHaLock observer = lockOf(master(FAST));
    ExecutorService threads = Executors.newFixedThreadPool(contenders);
    try {
      for (int round = 0; round < 30; round++) {
        if (round % 2 == 1) {
          // The row a crashed master left behind, expired: the race is for the takeover.
          execute(
              "INSERT INTO "
                  + config.haTable()
                  + " VALUES ('core/lock', 'crashed-"
                  + round
                  + "', 'old', NOW() - INTERVAL '1 second')");
        }
        CyclicBarrier start = new CyclicBarrier(contenders);
        List<Future<Optional<Held>>> attempts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
          PostgresqlHaLock lock = locks.get(i);
          String value = "master-" + i;
          attempts.add(
              threads.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return lock.tryAcquire(value);
                  }));
        }
        List<Held> winners = new ArrayList<>();
        for (Future<Optional<Held>> attempt : attempts) {
          attempt.get(30, TimeUnit.SECONDS).ifPresent(winners::add);
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        Held winner = winners.get(0);
        assertThat(lockRow()).isEqualTo(winner.identity() + " " + winner.value());
        assertThat(observer.currentValue()).hasValue(winner.value());
        winner.release();
        assertThat(lockRow()).isNull();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aHeldLock_isNotTakenWhileItsHolderRenewsIt_pastSeveralTtls() throws Exception {
    Held a = acquire(lockOf(master(FAST)), "a");
    PostgresqlHaLock standby = lockOf(master(FAST));
    CountDownLatch lost = new CountDownLatch(1);
    a.onLost(lost::countDown);

    // A standby tries every retry interval for three TTLs.
    long end = System.nanoTime() + FAST.ttl().multipliedBy(3).toNanos();
    int attempts = 0;
    while (System.nanoTime() < end) {
      Optional<Held> taken = standby.tryAcquire("b");
      taken.ifPresent(held::add);
      assertThat(taken).as("the standby's attempt %d", attempts).isEmpty();
      attempts++;
      Thread.sleep(FAST.retryInterval().toMillis());
    }

    assertThat(attempts).isGreaterThan(5);
    assertThat(a.held()).isTrue();
    assertThat(lost.getCount()).isOne();
    assertThat(lockRow()).isEqualTo(a.identity() + " a");
    assertThat(standby.currentValue()).hasValue("a");
  }

  @Test
  void release_letsAnotherMasterTakeTheLockAtItsNextAttempt() throws Exception {
    Held a = acquire(lockOf(master(FAST)), "a");
    PostgresqlHaLock standby = lockOf(master(FAST));
    CountDownLatch lost = new CountDownLatch(1);
    a.onLost(lost::countDown);
    assertThat(standby.tryAcquire("b")).isEmpty();

    a.release();

    Held b = acquire(standby, "b");
    assertThat(lockRow()).isEqualTo(b.identity() + " b");
    assertThat(a.held()).isFalse();
    assertThat(((HeldLock) a).awaitThreadsEnded(PATIENCE)).isTrue();
    assertThat(lost.getCount()).as("a release is not a loss").isOne();
  }

  // ---------------------------------------------------------------- how it is lost

  @Test
  void aHolderThatStopsRenewing_losesByDatabaseTime_andItsFencedWritesChangeNothing()
      throws Exception {
    BlockableDataSource[] renewals = new BlockableDataSource[1];
    PostgresqlStorage storageA = master(FAST);
    Held a = acquire(blockableLock(renewals, FAST), "a");
    CountDownLatch aLost = new CountDownLatch(1);
    a.onLost(aLost::countDown);
    storageA.fence(a.fence());
    storageA.put("core/x", utf8("written while active"));
    PostgresqlStorage storageB = master(FAST);
    PostgresqlHaLock lockB = lockOf(storageB);

    renewals[0].block(); // A is paused: no renewal reaches the database
    assertThat(lockB.tryAcquire("b")).as("still valid by the database's clock").isEmpty();
    await("the row expires by the database's clock", () -> lockRowExpired());

    assertThat(lockRow()).as("nobody took it yet").isEqualTo(a.identity() + " a");
    assertThat(aLost.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(a.held()).isFalse();
    Held b = acquire(lockB, "b");
    storageB.fence(b.fence());
    storageB.put("core/y", utf8("written by the new active"));

    byte[] before = value(config.table(), "x");
    assertThatThrownBy(() -> storageA.put("core/x", utf8("late write")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessage("fenced write refused: this master lost the HA lock");
    assertThatThrownBy(() -> storageA.delete("core/x")).isInstanceOf(FencedWriteException.class);
    assertThat(value(config.table(), "x")).isEqualTo(before);
    assertThat(value(config.table(), "x")).isEqualTo(utf8("written while active"));

    // The database's half of the fence refuses A by itself, and lets B through.
    try (Connection tx = storageA.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      PostgresqlHaLock lockA = lockOf(storageA);
      assertThatThrownBy(() -> lockA.checkFence(tx, a.identity()))
          .isInstanceOf(FencedWriteException.class);
      tx.rollback();
      lockA.checkFence(tx, b.identity());
      tx.rollback();
    }

    // A wakes up: its stuck renewal finds the row not its own and touches nothing.
    renewals[0].unblock();
    assertThat(((HeldLock) a).awaitThreadsEnded(PATIENCE)).isTrue();
    assertThat(lockRow()).isEqualTo(b.identity() + " b");
    assertThat(b.held()).isTrue();
  }

  @Test
  void theValue_isReadOnlyFromAnUnexpiredRow() throws Exception {
    BlockableDataSource[] renewals = new BlockableDataSource[1];
    PostgresqlHaLock lock = blockableLock(renewals, FAST);
    PostgresqlHaLock reader = lockOf(master(FAST));
    assertThat(reader.currentValue()).isEmpty();
    Held a = acquire(lock, "alpha");
    assertThat(reader.currentValue()).hasValue("alpha");

    renewals[0].block();
    await("the row expires by the database's clock", () -> lockRowExpired());

    assertThat(lockRow()).as("the row is still there").isEqualTo(a.identity() + " alpha");
    assertThat(reader.currentValue()).isEmpty();
    renewals[0].unblock();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRUNCATE %s", "DELETE FROM %s"})
  void theRowRemovedUnderTheHolder_isNoticedByTheRenewal_andNeverRecreated(String removal)
      throws Exception {
    PostgresqlStorage storage = master(FAST);
    Held a = acquire(lockOf(storage), "a");
    CountDownLatch lost = new CountDownLatch(1);
    a.onLost(lost::countDown);
    storage.fence(a.fence());

    execute(String.format(removal, config.haTable()));

    assertThat(lost.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(a.held()).isFalse();
    assertThat(((HeldLock) a).awaitThreadsEnded(PATIENCE)).isTrue();
    assertThat(lockRow()).as("openbao#2097: a renewal must not re-create the row").isNull();
    assertThatThrownBy(() -> storage.put("core/x", utf8("x")))
        .isInstanceOf(FencedWriteException.class);
    CountDownLatch late = new CountDownLatch(1);
    a.onLost(late::countDown);
    assertThat(late.getCount()).as("a listener added after the loss runs at once").isZero();
  }

  @Test
  void aFencedWriteRefusedByTheDatabase_marksTheLockLostAtOnce() throws Exception {
    // A long TTL: a loss within PATIENCE can only come from the refused write.
    Timing slow = new Timing(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(1));
    BlockableDataSource[] renewals = new BlockableDataSource[1];
    PostgresqlStorage storage = master(slow);
    Held a = acquire(blockableLock(renewals, slow), "a");
    CountDownLatch lost = new CountDownLatch(1);
    a.onLost(lost::countDown);
    storage.fence(a.fence());
    renewals[0].block();

    execute("UPDATE " + config.haTable() + " SET ha_identity = 'someone-else'");

    assertThatThrownBy(() -> storage.put("core/x", utf8("x")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessage("fenced write refused: this master lost the HA lock");
    assertThat(lost.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(a.held()).isFalse();
    assertThat(value(config.table(), "x")).isNull();
    renewals[0].unblock();
  }

  @Test
  void aRenewalStuckBehindARowLock_endsAtTheStatementTimeout_andTheHolderLosesOnTime()
      throws Exception {
    Held a = acquire(lockOf(master(FAST)), "a");
    CountDownLatch lost = new CountDownLatch(1);
    a.onLost(lost::countDown);

    try (Connection blocker = db.connect()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.executeQuery("SELECT * FROM " + config.haTable() + " FOR UPDATE").close();
      }
      // Every renewal now waits on the row lock until the server cancels it (1.33 s).
      assertThat(lost.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(a.held()).isFalse();
      // Still blocked, the renewer ends anyway: its statements time out.
      assertThat(((HeldLock) a).awaitThreadsEnded(PATIENCE)).isTrue();
      blocker.rollback();
    }
  }

  // ---------------------------------------------------------------- the fence holds the row

  @Test
  void aFenceCheckHoldingTheRow_makesATakeoverWaitUntilTheWriteCommits() throws Exception {
    BlockableDataSource[] renewals = new BlockableDataSource[1];
    PostgresqlStorage storageA = master(FAST);
    Held a = acquire(blockableLock(renewals, FAST), "a");
    renewals[0].block(); // the row will expire while A's write is open
    // B's statements may wait longer than A's TTL before they time out.
    PostgresqlHaLock lockB =
        lockOf(
            master(
                new Timing(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1))));
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try (Connection tx = storageA.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      a.fence().check(tx); // passes: A holds the row, now share-locked until tx ends
      int txPid = backendPid(tx);
      try (PreparedStatement s =
          tx.prepareStatement(
              "INSERT INTO " + config.table() + " VALUES ('/', '/core/', 'w', ?)")) {
        s.setBytes(1, utf8("the write"));
        s.executeUpdate();
      }
      await("A's row expires by the database's clock", () -> lockRowExpired());

      Future<Optional<Held>> takeover = threads.submit(() -> lockB.tryAcquire("b"));
      await("B's takeover waits on A's transaction", () -> blockedBy(txPid));
      assertThat(takeover.isDone()).isFalse();
      assertThat(lockRow()).startsWith(a.identity());

      tx.commit();

      Held b = takeover.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
      held.add(b);
      assertThat(lockRow()).isEqualTo(b.identity() + " b");
      assertThat(value(config.table(), "w")).isEqualTo(utf8("the write"));
    } finally {
      threads.shutdownNow();
      renewals[0].unblock();
    }
  }

  // ---------------------------------------------------------------- timing

  @Test
  void timing_openBaosConstants_andTheStatementTimeoutIsTwoThirdsOfTheTtl() {
    assertThat(Timing.OPENBAO.ttl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(Timing.OPENBAO.renewInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(Timing.OPENBAO.retryInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(Timing.OPENBAO.statementTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(FAST.statementTimeout().toMillis()).isEqualTo(1333);
  }

  @Test
  void timing_refusesARenewalNoShorterThanTheTtl() {
    assertThatThrownBy(
            () -> new Timing(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the HA lock's renewal interval must be shorter than its ttl");
    assertThatThrownBy(
            () -> new Timing(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Timing(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    long end = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** "identity value" of the lock row, or null when there is none. */
  private String lockRow() throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT ha_identity, ha_value FROM " + config.haTable())) {
      return r.next() ? r.getString(1) + " " + r.getString(2) : null;
    }
  }

  private boolean lockRowExpired() {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT valid_until < NOW() FROM " + config.haTable())) {
      return r.next() && r.getBoolean(1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static boolean blockedBy(int pid) {
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
      s.setInt(1, pid);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1) > 0;
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int backendPid(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static byte[] value(String table, String key) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement("SELECT value FROM " + table + " WHERE key = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getBytes(1) : null;
      }
    }
  }
}
