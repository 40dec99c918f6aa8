package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.common.log.LogLines;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.master.jobs.shared.SharedJobCache;
import io.brine.protocol.MinionId;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A minion's return while the cluster's database is down, through the master's call handling and
 * the shared job store on a real PostgreSQL that is stopped and started again: the return is held,
 * not refused (a minion drops a refused return), and stored and acknowledged once the database is
 * back; past the hold the minion is told.
 */
class MinionCallsStoreOutageTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  /** Of this class's own: its tests stop it. */
  private static PostgresServer server;

  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private HikariDataSource pool;
  private SharedJobCache store;
  private String jid;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void closeServer() {
    server.close();
  }

  @BeforeEach
  void storeWithOneJob() throws Exception {
    if (!server.running()) {
      server.restart();
    }
    PostgresServer.Database db = server.newDatabase();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPassword(server.password());
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    pool = new HikariDataSource(config);
    store =
        SharedJobCache.open(
            pool,
            RandomNonceAesGcm.create(AesGcmKey.generate()),
            WriteFence.NONE,
            100,
            Duration.ofHours(24),
            Clock.systemUTC());
    jid = Jid.next(Clock.systemUTC());
    store.create(
        new JobRecord(
            jid,
            "test.ping",
            List.of(),
            Map.of(),
            "web*",
            "glob",
            List.of(WEB1),
            List.of(),
            Clock.systemUTC().instant()));
  }

  @AfterEach
  void stop() {
    workers.shutdownNow();
    store.close();
    pool.close();
  }

  private static byte[] ret(long rid, String jid) {
    SessionCall call = SessionCall.of(rid, SessionCall.RETURN);
    call.body().put("jid", jid).put("fun", "test.ping").put("retcode", 0).put("success", true);
    call.body().set("return", JobJson.MAPPER.valueToTree(true));
    return call.toJson();
  }

  @Test
  void aReturnWhileTheDatabaseIsDown_isHeld_andAcknowledgedOnceStored() throws Exception {
    MinionCalls calls = new MinionCalls(store, null, workers, Clock.systemUTC());
    try (LogLines log = LogLines.of(MinionCalls.class)) {
      server.stopImmediately();
      CompletableFuture<byte[]> reply = calls.handle(WEB1, ret(5, jid));

      awaitTrue(() -> !log.containing("holding the minions' returns").isEmpty());
      assertThat(reply).as("no answer while nothing is stored").isNotDone();
      assertThat(log.containing("holding the minions' returns").get(0))
          .startsWith("WARN PostgreSQL unreachable: ");

      server.restart();
      SessionReply answer = SessionReply.parse(reply.get(60, TimeUnit.SECONDS));
      assertThat(answer.isOk()).isTrue();
      assertThat(answer.rid()).isEqualTo(5);
      assertThat(store.find(jid).orElseThrow().returns()).containsOnlyKeys(WEB1);
      awaitTrue(() -> !log.containing("the job store answers again").isEmpty());
      assertThat(log.containing("holding the minions' returns")).hasSize(1);
    }
  }

  @Test
  void pastTheHold_theMinionIsToldTheError() throws Exception {
    MinionCalls calls =
        new MinionCalls(store, null, workers, Clock.systemUTC(), Duration.ofSeconds(1));
    server.stopImmediately();

    SessionReply answer =
        SessionReply.parse(calls.handle(WEB1, ret(6, jid)).get(60, TimeUnit.SECONDS));

    assertThat(answer.isOk()).isFalse();
    assertThat(answer.error()).startsWith("the master failed: PostgreSQL unreachable: ");
    server.restart();
    awaitTrue(() -> answers(store)); // the pool finds the server again
    assertThat(store.find(jid).orElseThrow().returns()).isEmpty();
  }

  private boolean answers(SharedJobCache store) {
    try {
      return store.find(jid).isPresent();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
