package io.brine.master.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.Aead;
import io.brine.master.jobs.Jid;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobReturn;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The look-up a master makes when a minion establishes its session ({@link
 * SharedJobCache#unreturned}), against a real PostgreSQL with the real queue: the jobs that
 * admitted the minion, queued within the window, that it has not returned; the newest first, no
 * more than asked; and, when the database is gone, one line and nothing else ({@link
 * JobRedelivery}).
 */
class UnreturnedJobsTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId WEB2 = MinionId.of("web2");
  private static final Duration WINDOW = Duration.ofSeconds(60);

  private final Aead aead = TestDatabase.freshAead();
  private final Clock clock = Clock.systemUTC();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private PostgresServer.Database database;
  private SharedJobCache cache;
  private JobQueue queue;
  private final Map<String, byte[]> queued = new HashMap<>();

  @BeforeEach
  void open() throws IOException {
    database = PostgresServer.shared().newDatabase();
    open(database);
  }

  private void open(PostgresServer.Database db) throws IOException {
    HikariDataSource pool = TestDatabase.pool(db);
    toClose.add(pool);
    cache = SharedJobCache.open(pool, aead, WriteFence.NONE, 1_000, Duration.ofHours(1), clock);
    toClose.add(cache);
    queue = JobQueue.open(pool, TestDatabase.connector(db), aead, WriteFence.NONE, "m1", j -> {});
    toClose.add(queue);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** Records and queues a job for {@code minions}, as the active master publishes one. */
  private String publish(List<MinionId> minions) throws IOException {
    String jid = Jid.next(clock);
    cache.create(
        new JobRecord(
            jid, "test.ping", List.of(), Map.of(), "web*", "glob", minions, List.of(),
            clock.instant()));
    byte[] publication = publication(jid);
    queued.put(jid, publication);
    queue.publish(jid, publication);
    return jid;
  }

  private static byte[] publication(String jid) {
    return new JobPublication(
            jid,
            Instant.now(),
            Target.glob("web*"),
            "test.ping",
            JobJson.MAPPER.createArrayNode(),
            JobJson.MAPPER.createObjectNode(),
            Duration.ofSeconds(30))
        .toJson();
  }

  private void returned(String jid, MinionId id) throws IOException {
    cache.addReturn(jid, new JobReturn(id, "test.ping", true, 0, true, clock.instant()));
  }

  private List<String> jids(MinionId id, int limit) throws IOException {
    return cache.unreturned(id, WINDOW, limit).stream().map(UnreturnedJob::jid).toList();
  }

  @Test
  void theJobsThatAdmittedTheMinion_andItHasNotReturned_withTheirQueuedPublication()
      throws Exception {
    String forBoth = publish(List.of(WEB1, WEB2));
    String forWeb2 = publish(List.of(WEB2));
    String returnedByWeb1 = publish(List.of(WEB1, WEB2));
    returned(returnedByWeb1, WEB1);
    String returnedByWeb2Only = publish(List.of(WEB1, WEB2));
    returned(returnedByWeb2Only, WEB2);

    List<UnreturnedJob> found = cache.unreturned(WEB1, WINDOW, 16);

    assertThat(found).extracting(UnreturnedJob::jid).containsExactly(returnedByWeb2Only, forBoth);
    assertThat(found.get(1).publication()).as("the bytes queued").isEqualTo(queued.get(forBoth));
    assertThat(found.get(1).job().minions()).containsExactly(WEB1, WEB2);
    assertThat(found.get(1).age()).isLessThan(WINDOW);
    assertThat(jids(WEB2, 16)).containsExactly(returnedByWeb1, forWeb2, forBoth);
  }

  @Test
  void aJobQueuedBeforeTheWindow_isNotFound() throws Exception {
    String old = publish(List.of(WEB1));
    String recent = publish(List.of(WEB1));
    TestDatabase.execute(
        database,
        "UPDATE brine_job_queue SET created = now() - interval '61 seconds' WHERE jid = '"
            + old + "'");

    assertThat(jids(WEB1, 16)).containsExactly(recent);
  }

  @Test
  void atMostTheLimit_theNewest_newestFirst() throws Exception {
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      published.add(publish(List.of(WEB1)));
    }

    List<String> found = jids(WEB1, JobRedelivery.MAX_JOBS);

    List<String> newest = new ArrayList<>(published.subList(4, 20));
    Collections.reverse(newest);
    assertThat(found).hasSize(16).containsExactlyElementsOf(newest);
  }

  @Test
  void theClearMinionsColumnOnlyNarrows_theRecordReturnedIsTheSealedOne() throws Exception {
    String forWeb2 = publish(List.of(WEB2));
    // A writer of the database adds web1 to the column; the sealed record still says web2 alone.
    TestDatabase.execute(
        database,
        "UPDATE brine_jobs SET minions = ARRAY['web1', 'web2'] WHERE jid = '" + forWeb2 + "'");

    List<UnreturnedJob> found = cache.unreturned(WEB1, WINDOW, 16);

    assertThat(found).singleElement().satisfies(
        job -> assertThat(job.job().minions()).as("what JobPublisher checks").containsExactly(WEB2));
  }

  @Test
  void aQueueRowThatDoesNotOpen_isLeftOut_inOneLine() throws Exception {
    String moved = publish(List.of(WEB1));
    String fine = publish(List.of(WEB1));
    TestDatabase.execute(
        database,
        "UPDATE brine_job_queue SET payload = (SELECT payload FROM brine_job_queue WHERE jid = '"
            + fine + "') WHERE jid = '" + moved + "'");
    try (LogLines logs = LogLines.of(SharedJobCache.class)) {
      assertThat(jids(WEB1, 16)).containsExactly(fine);
      assertThat(logs.containing("does not open"))
          .singleElement()
          .asString()
          .startsWith("WARN job store: skipping job " + moved);
    }
  }

  @Test
  void theDatabaseGone_theLookUpFailsInOneLine_forAnOutage() throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      open(own.newDatabase());
      publish(List.of(WEB1));
      own.stopImmediately();
      assertThatThrownBy(() -> cache.unreturned(WEB1, WINDOW, 16))
          .isInstanceOf(DatabaseUnavailableException.class);

      // The publisher is never reached when the look-up fails: a real one needs a listener.
      JobPublisher never = new JobPublisher(null, null, null, cache, clock);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      JobRedelivery redelivery = new JobRedelivery(cache, never, Runnable::run, timer);
      try {
        try (LogLines logs = LogLines.of(JobRedelivery.class)) {
          redelivery.sessionEstablished(WEB1);
          redelivery.sessionEstablished(WEB2);
          await(() -> redelivery.lookups() == 2);

          assertThat(logs.containing(""))
              .singleElement()
              .asString()
              .startsWith("WARN minion web1: cannot look up the recent jobs it has not returned"
                  + " (PostgreSQL unreachable: ")
              .contains("its session stays")
              .doesNotContain(own.password())
              .doesNotContain("\n");
        }
      } finally {
        timer.shutdownNow();
      }
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
