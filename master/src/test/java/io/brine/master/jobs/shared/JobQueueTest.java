package io.brine.master.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.Aead;
import io.brine.master.cluster.ClusterSecrets;
import io.brine.master.jobs.Jid;
import io.brine.master.pki.AtOnce;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue that carries a job from the master it was published on to the others, against a real
 * PostgreSQL: NOTIFY as the fast path, the poll as the one that never loses a job (a lost
 * notification, a killed LISTEN connection, a server restart), exactly once per master, in order,
 * and never back to the master that published it.
 */
class JobQueueTest {
  /** Generous: the poll's second on a loaded two-core machine, and then some. */
  private static final long WITHIN_SECONDS = 10;

  /** A poll that never comes during a test: what arrives came by NOTIFY. */
  private static final JobQueue.Timing NOTIFY_ONLY =
      new JobQueue.Timing(
          Duration.ofHours(1), Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(30));

  private PostgresServer.Database database;
  private final Aead aead = TestDatabase.freshAead();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Clock clock = Clock.systemUTC();

  @BeforeEach
  void freshDatabase() {
    database = PostgresServer.shared().newDatabase();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** A master's end of the queue, with what it was handed. */
  private record Master(
      JobQueue queue, BlockingQueue<QueuedJob> received, HikariDataSource pool) {
    QueuedJob next() throws InterruptedException {
      QueuedJob job = received.poll(WITHIN_SECONDS, TimeUnit.SECONDS);
      assertThat(job).as("a job delivered within %d s", WITHIN_SECONDS).isNotNull();
      return job;
    }
  }

  private Master master(String origin) throws IOException {
    return master(database, origin, JobQueue.Timing.DEFAULT, TestDatabase.connector(database));
  }

  private Master master(
      PostgresServer.Database db, String origin, JobQueue.Timing timing, JobQueue.Connector listen)
      throws IOException {
    HikariDataSource pool = TestDatabase.pool(db);
    toClose.add(pool);
    BlockingQueue<QueuedJob> received = new LinkedBlockingQueue<>();
    JobQueue queue =
        JobQueue.open(pool, listen, aead, WriteFence.NONE, origin, received::add, timing);
    toClose.add(queue);
    return new Master(queue, received, pool);
  }

  private String jid() {
    return Jid.next(clock);
  }

  private static byte[] payload(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aJobPublishedOnOneMasterReachesTheOthers_notItself() throws Exception {
    Master m1 = master("m1");
    Master m2 = master("m2");
    Master m3 = master("m3");

    String jid = jid();
    long seq = m1.queue().publish(jid, payload("{\"fun\":\"test.ping\"}"));
    for (Master other : List.of(m2, m3)) {
      QueuedJob job = other.next();
      assertThat(job.seq()).isEqualTo(seq);
      assertThat(job.jid()).isEqualTo(jid);
      assertThat(job.origin()).isEqualTo("m1");
      assertThat(new String(job.payload(), StandardCharsets.UTF_8))
          .isEqualTo("{\"fun\":\"test.ping\"}");
      assertThat(job.created()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    String back = jid();
    m2.queue().publish(back, payload("from m2"));
    assertThat(m1.next().jid()).isEqualTo(back);
    assertThat(m3.next().jid()).isEqualTo(back);
    // In seq order: m1 has passed its own job to reach m2's, so it skipped it; m2 likewise.
    assertThat(m1.received()).isEmpty();
    assertThat(m2.received()).isEmpty();
    assertThat(m3.received()).isEmpty();
  }

  @Test
  void notifyIsTheFastPath_theJobArrivesWithoutWaitingForThePoll() throws Exception {
    Master m1 = master("m1");
    Master m2 = master(database, "m2", NOTIFY_ONLY, TestDatabase.connector(database));
    awaitListening("m2");

    // The first may ride on the poll m2 makes when it starts listening; the next ones cannot.
    for (int i = 0; i < 3; i++) {
      String jid = jid();
      m1.queue().publish(jid, payload("x"));
      assertThat(m2.next().jid()).isEqualTo(jid);
    }
  }

  @Test
  void withoutAnyNotification_thePollDeliversWithinASecondOrSo() throws Exception {
    Master m1 = master("m1");
    JobQueue.Connector refused =
        () -> {
          throw new SQLException("the LISTEN connection is refused in this test", "08001");
        };
    try (LogLines log = LogLines.of(JobQueue.class)) {
      Master m2 = master(database, "m2", JobQueue.Timing.DEFAULT, refused);
      String jid = jid();
      long sent = System.nanoTime();
      m1.queue().publish(jid, payload("x"));
      assertThat(m2.next().jid()).isEqualTo(jid);
      // Reported, not asserted tightly: one poll interval plus the machine's load.
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertThat(millis).isLessThan(TimeUnit.SECONDS.toMillis(WITHIN_SECONDS));
      awaitTrue(() -> !log.containing("job queue: not listening").isEmpty());
      assertThat(log.containing("job queue: not listening"))
          .as("one line for the outage, not one per attempt")
          .hasSize(1);
    }
  }

  @Test
  void aKilledListenConnection_losesNoJob_andIsOpenedAgain() throws Exception {
    Master m1 = master("m1");
    Master m2 = master("m2");
    awaitListening("m2");

    // The notification of this job goes nowhere: m2's LISTEN connection is gone.
    terminateListener("m2");
    String lost = jid();
    m1.queue().publish(lost, payload("x"));
    assertThat(m2.next().jid()).isEqualTo(lost);

    awaitListening("m2");
    String after = jid();
    m1.queue().publish(after, payload("y"));
    assertThat(m2.next().jid()).isEqualTo(after);
    assertThat(m2.received()).isEmpty();
  }

  @Test
  void aReopenedListenConnectionCarriesNotificationsAgain() throws Exception {
    Master m1 = master("m1");
    Master m2 = master(database, "m2", NOTIFY_ONLY, TestDatabase.connector(database));
    int before = awaitListening("m2");
    terminateListener("m2");
    awaitTrue(() -> listenerPid("m2") > 0 && listenerPid("m2") != before);

    // No poll for an hour: past the one made on listening again, NOTIFY brings them.
    for (int i = 0; i < 3; i++) {
      String jid = jid();
      m1.queue().publish(jid, payload("x"));
      assertThat(m2.next().jid()).isEqualTo(jid);
    }
  }

  @Test
  void exactlyOncePerMaster_inOrder_evenWhenPublishedConcurrently() throws Exception {
    Master m1 = master("m1");
    Master m2 = master("m2");
    Master m3 = master("m3");

    List<Callable<Long>> publishes = new ArrayList<>();
    List<String> jids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String jid = jid();
      jids.add(jid);
      publishes.add(() -> m1.queue().publish(jid, payload(jid)));
    }
    runAll(publishes);
    String again = jids.get(7);
    m1.queue().publish(again, payload("queued twice: a publisher that retried"));
    String last = jid();
    m1.queue().publish(last, payload("last"));

    for (Master m : List.of(m2, m3)) {
      List<QueuedJob> got = new ArrayList<>();
      while (got.isEmpty() || !got.get(got.size() - 1).jid().equals(last)) {
        got.add(m.next());
      }
      assertThat(got).hasSize(61);
      assertThat(got.stream().map(QueuedJob::jid).toList().subList(0, 60))
          .containsExactlyInAnyOrderElementsOf(jids);
      assertThat(got.stream().mapToLong(QueuedJob::seq).toArray()).isSorted();
      for (QueuedJob job : got.subList(0, 60)) {
        assertThat(new String(job.payload(), StandardCharsets.UTF_8)).isEqualTo(job.jid());
      }
    }
    assertThat(m2.received()).isEmpty();
    assertThat(m3.received()).isEmpty();
  }

  @Test
  void aMasterThatOpensLater_startsAfterTheNewestJob() throws Exception {
    Master m1 = master("m1");
    m1.queue().publish(jid(), payload("before m2 was there"));
    Master m2 = master("m2");
    String jid = jid();
    m1.queue().publish(jid, payload("after"));
    assertThat(m2.next().jid()).isEqualTo(jid);
  }

  @Test
  void aConsumerThatThrowsDoesNotStopTheQueue() throws Exception {
    HikariDataSource pool = TestDatabase.pool(database);
    toClose.add(pool);
    BlockingQueue<QueuedJob> received = new LinkedBlockingQueue<>();
    JobQueue failing =
        JobQueue.open(
            pool,
            TestDatabase.connector(database),
            aead,
            WriteFence.NONE,
            "m2",
            job -> {
              received.add(job);
              throw new IllegalStateException("the consumer broke");
            });
    toClose.add(failing);
    Master m1 = master("m1");
    m1.queue().publish(jid(), payload("one"));
    m1.queue().publish(jid(), payload("two"));
    Master m2 = new Master(failing, received, pool);
    assertThat(new String(m2.next().payload(), StandardCharsets.UTF_8)).isEqualTo("one");
    assertThat(new String(m2.next().payload(), StandardCharsets.UTF_8)).isEqualTo("two");
  }

  @Test
  void theDatabaseSeesOnlyCiphertext_andARowMovedOrCopiedIsNotDelivered() throws Exception {
    Master m1 = master("m1");
    Master m2 = master("m2");
    String secret = "{\"fun\":\"cmd.run\",\"arg\":[\"rm -rf /secret-queue-arg\"]}";
    String first = jid();
    m1.queue().publish(first, payload(secret));
    assertThat(m2.next().jid()).isEqualTo(first);
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT payload, jid, origin FROM brine_job_queue")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1))
          .doesNotContain("secret-queue-arg")
          .doesNotContain("cmd.run");
      assertThat(rs.getString(2)).isEqualTo(first);
      assertThat(rs.getString(3)).isEqualTo("m1");
    }

    try (LogLines log = LogLines.of(JobQueue.class)) {
      // Replayed under a new row, and moved to another jid: neither opens.
      TestDatabase.execute(
          database,
          "INSERT INTO brine_job_queue (jid, origin, payload)"
              + " SELECT jid, origin, payload FROM brine_job_queue");
      TestDatabase.execute(
          database,
          "INSERT INTO brine_job_queue (jid, origin, payload)"
              + " SELECT '" + jid() + "', origin, payload FROM brine_job_queue ORDER BY seq LIMIT 1");
      TestDatabase.execute(database, "NOTIFY brine_jobs, 'forged'");
      String real = jid();
      m1.queue().publish(real, payload("real"));
      assertThat(m2.next().jid()).isEqualTo(real);
      assertThat(m2.received()).isEmpty();
      assertThat(log.containing("does not open")).hasSize(2);
    }
  }

  @Test
  void aMasterWhoseKeyIsNotLoadedYet_getsTheJobsOnceItIs() throws Exception {
    // Two masters of one cluster: one barrier, each master's own view of the keys in it.
    InMemoryStorage barrier = new InMemoryStorage();
    ClusterSecrets active = new ClusterSecrets(() -> true, new SecureRandom());
    ClusterSecrets standby = new ClusterSecrets(() -> false, new SecureRandom());
    active.unsealed(barrier);
    HikariDataSource pool1 = TestDatabase.pool(database);
    HikariDataSource pool2 = TestDatabase.pool(database);
    toClose.add(pool1);
    toClose.add(pool2);
    BlockingQueue<QueuedJob> received = new LinkedBlockingQueue<>();
    try (LogLines log = LogLines.of(JobQueue.class)) {
      JobQueue m1 =
          JobQueue.open(
              pool1, TestDatabase.connector(database), active.dataAead(), WriteFence.NONE, "m1",
              job -> {});
      toClose.add(m1);
      JobQueue m2 =
          JobQueue.open(
              pool2, TestDatabase.connector(database), standby.dataAead(), WriteFence.NONE, "m2",
              received::add);
      toClose.add(m2);

      String first = jid();
      m1.publish(first, payload("queued while m2 cannot open it"));
      awaitTrue(() -> !log.containing("the job store's key is not available").isEmpty());
      assertThat(received).isEmpty();
      assertThat(log.containing("does not open")).isEmpty();

      standby.unsealed(barrier); // m2 unsealed: it loads the keys the active made
      String second = jid();
      m1.publish(second, payload("after"));
      Master m2view = new Master(m2, received, pool2);
      assertThat(m2view.next().jid()).isEqualTo(first);
      assertThat(m2view.next().jid()).isEqualTo(second);
    }
  }

  @Test
  void publishingIsFenced() throws Exception {
    HikariDataSource pool = TestDatabase.pool(database);
    toClose.add(pool);
    WriteFence standby =
        tx -> {
          throw new FencedWriteException("this master is a standby: writes go to the active master");
        };
    JobQueue queue =
        JobQueue.open(pool, TestDatabase.connector(database), aead, standby, "m1", job -> {});
    toClose.add(queue);
    assertThatThrownBy(() -> queue.publish(jid(), payload("x")))
        .isInstanceOf(FencedJobWriteException.class)
        .hasMessageContaining("standby");
    assertThat(rows()).isZero();
    queue.fence(WriteFence.NONE);
    queue.publish(jid(), payload("x"));
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void purgeRemovesOldRows_andTheQueueGoesOn() throws Exception {
    Master m1 = master("m1");
    Master m2 = master("m2");
    m1.queue().publish(jid(), payload("a"));
    m1.queue().publish(jid(), payload("b"));
    m2.next();
    m2.next();

    assertThat(m1.queue().purge(Duration.ofHours(1))).isZero();
    assertThat(m2.queue().purge(Duration.ZERO)).isEqualTo(2);
    assertThat(rows()).isZero();
    String jid = jid();
    m1.queue().publish(jid, payload("c"));
    assertThat(m2.next().jid()).isEqualTo(jid);
  }

  @Test
  void aServerRestart_jobsQueuedAfterItStillArrive() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      PostgresServer.Database db = own.newDatabase();
      Master m1 = master(db, "m1", JobQueue.Timing.DEFAULT, TestDatabase.connector(db));
      Master m2 = master(db, "m2", JobQueue.Timing.DEFAULT, TestDatabase.connector(db));
      String before = jid();
      m1.queue().publish(before, payload("before"));
      assertThat(m2.next().jid()).isEqualTo(before);

      own.stop();
      assertThatThrownBy(() -> m1.queue().publish(jid(), payload("while down")))
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageStartingWith("PostgreSQL unreachable: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

      own.restart();
      SharedJobCacheTest.awaitAnswers(m1.pool()); // the pool finds the server again
      List<String> after = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String jid = jid();
        after.add(jid);
        m1.queue().publish(jid, payload("after " + i));
      }
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(m2.next().jid());
      }
      assertThat(got).containsExactlyElementsOf(after);
      int pid = awaitListening(db, "m2"); // and it listens again
      assertThat(pid).isPositive();
    }
  }

  private long rows() throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM brine_job_queue")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private int awaitListening(String origin) throws Exception {
    return awaitListening(database, origin);
  }

  /** The pid of {@code origin}'s LISTEN connection, once it listens. */
  private int awaitListening(PostgresServer.Database db, String origin) throws Exception {
    awaitTrue(() -> listenerPid(db, origin) > 0);
    return listenerPid(db, origin);
  }

  private int listenerPid(String origin) {
    return listenerPid(database, origin);
  }

  /** Found by its application_name, set before LISTEN: a pid there listens (or is about to). */
  private static int listenerPid(PostgresServer.Database db, String origin) {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = ? AND query LIKE 'LISTEN%'")) {
      ps.setString(1, JobQueue.applicationName(origin));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      return 0; // the server is still coming up
    }
  }

  private void terminateListener(String origin) throws Exception {
    int pid = awaitListening(origin);
    TestDatabase.execute(database, "SELECT pg_terminate_backend(" + pid + ")");
    awaitTrue(() -> listenerPid(origin) != pid);
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WITHIN_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %d s", WITHIN_SECONDS).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Runs the tasks racing (AtOnce) and checks that no two answered the same. */
  private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<T> results = AtOnce.all(pool, tasks);
      assertThat(new HashSet<>(results)).hasSameSizeAs(results);
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
