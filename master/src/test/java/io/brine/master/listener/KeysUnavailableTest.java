package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.mac.HmacSha256;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.shared.SharedKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.wire.Disconnector;
import io.brine.protocol.wire.MessageType;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A cluster master whose minion keys cannot be read (the row key not loaded from the barrier, or
 * PostgreSQL unreachable) answers a HELLO with SEALED, "retry later", over real TCP with the real
 * shared key store on a real PostgreSQL: the minion's connection is not closed as if it had done
 * wrong, and the same minion is welcomed once the keys are back.
 */
class KeysUnavailableTest {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  private static final MinionId WEB1 = MinionId.of("web1");

  private static KeyPair master;
  private static KeyPair web1;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final HmacSha256 rowKey = HmacSha256.create(SecretBytes.random(32, new SecureRandom()));

  /** As {@code ClusterSecrets#keyMac} gives it: empty until loaded from the barrier. */
  private final AtomicReference<Optional<HmacSha256>> loaded =
      new AtomicReference<>(Optional.of(rowKey));

  private final List<Logger> loggers =
      List.of(
          (Logger) LoggerFactory.getLogger(Handshakes.class),
          (Logger) LoggerFactory.getLogger(MinionConnectionHandler.class),
          (Logger) LoggerFactory.getLogger(Disconnector.class));
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private HikariDataSource pool;
  private SharedKeyStore store;
  private PublishKeyRotator rotator;
  private MinionListener listener;

  @BeforeAll
  static void keys() throws Exception {
    master = RsaKeys.generate(2048);
    web1 = RsaKeys.generate(2048);
  }

  @BeforeEach
  void captureLogs() {
    appender.start();
    loggers.forEach(l -> l.addAppender(appender));
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close();
    }
    if (rotator != null) {
      rotator.close();
    }
    if (pool != null) {
      pool.close();
    }
    timer.shutdownNow();
    loggers.forEach(l -> l.detachAppender(appender));
  }

  /** A listener on the shared key store in a new database of {@code server}. */
  private void start(PostgresServer server) throws Exception {
    PostgresServer.Database database = server.newDatabase();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPassword(server.password());
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    // A HELLO during an outage waits this long for the pool before it is answered.
    config.setConnectionTimeout(1_000);
    config.setPoolName("keys-unavailable-test");
    pool = new HikariDataSource(config);
    store =
        SharedKeyStore.open(
            pool, WriteFence.NONE, loaded::get, AcceptancePolicy.manual(), dir.resolve("m.pub"));
    rotator = new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    MasterConfig.Minions minions =
        new MasterConfig.Minions(
            "127.0.0.1",
            0,
            Duration.ofHours(1),
            Duration.ofSeconds(1),
            MasterConfig.Minions.DEFAULT_MAX_FRAME_BYTES,
            2,
            16,
            MasterConfig.Admission.DEFAULTS);
    SessionRequests none =
        (id, request) -> CompletableFuture.failedFuture(new IllegalStateException("no requests"));
    listener = MinionListener.start(minions, () -> Optional.of(master), store, rotator, none);
  }

  private static MasterTrust pinned() {
    return MasterTrust.pinned((RSAPublicKey) master.getPublic());
  }

  /** web1, its key accepted, connected and authenticated. */
  private TestMinion authenticated() throws Exception {
    TestMinion m = TestMinion.connect(listener.port(), "web1", web1);
    assertThat(m.hello(pinned())).isInstanceOf(Refused.class);
    store.accept(List.of(WEB1), false, false);
    assertThat(m.hello(pinned())).isInstanceOf(Welcomed.class);
    TestMinion.awaitConnected(listener.connected(), "web1");
    return m;
  }

  private static void assertSealed(Outcome outcome, String reason) {
    assertThat(outcome).isInstanceOf(Refused.class);
    Refused refused = (Refused) outcome;
    assertThat(refused.type()).isEqualTo(MessageType.SEALED);
    assertThat(refused.reason()).isEqualTo(reason);
    assertThat(refused.authenticated()).isFalse();
  }

  private List<String> refusalLines() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("minion keys unavailable, HELLO answered SEALED:"))
        .toList();
  }

  private void assertNoStackTraceAboveDebug() {
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
  }

  @Test
  void rowKeyNotLoaded_aHelloIsAnsweredSealed_onAConnectionThatStaysOpen_andIsWelcomedOnceLoaded()
      throws Exception {
    start(PostgresServer.shared());
    try (TestMinion m = TestMinion.connect(listener.port(), "web1", web1)) {
      assertThat(m.hello(pinned())).isInstanceOf(Refused.class); // pending
      store.accept(List.of(WEB1), false, false);
      loaded.set(Optional.empty()); // as on a standby before the active made the keys

      assertSealed(m.hello(pinned()), "the cluster's minion keys are not loaded on this master yet");
      assertThat(refusalLines())
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("web1 from 127.0.0.1")
                      .contains("the cluster's key-row MAC key is not loaded"));
      assertThat(listener.connected().isConnected(WEB1)).isFalse();

      loaded.set(Optional.of(rowKey));
      // The same connection: SEALED did not close it.
      assertThat(m.hello(pinned())).isInstanceOf(Welcomed.class);
      TestMinion.awaitConnected(listener.connected(), "web1");
    }
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("handshake failed"));
    assertNoStackTraceAboveDebug();
  }

  /**
   * A minion in a session that HELLOs again (a re-authentication) and meets SEALED is no longer
   * authenticated, as after any answer but WELCOME: the master closes the connection after the
   * SEALED frame (the minion drops its session on any refusal and moves on, see MasterLink), and
   * the minion is welcomed again over a new connection once the keys are back.
   */
  @Test
  void reauthenticationMeetingUnloadedKeys_isAnsweredSealed_thenTheConnectionEnds()
      throws Exception {
    start(PostgresServer.shared());
    try (TestMinion m = authenticated()) {
      loaded.set(Optional.empty());

      assertSealed(m.hello(pinned()), "the cluster's minion keys are not loaded on this master yet");

      assertThat(m.closedByMaster(CLOSE_WAIT)).isTrue();
      awaitGone(WEB1);
    }
    assertThat(refusalLines()).hasSize(1);
    assertThat(appender.list)
        .filteredOn(e -> e.getLoggerName().equals(MinionConnectionHandler.class.getName()))
        .extracting(ILoggingEvent::getFormattedMessage)
        .as("the refusal's line is Handshakes' alone")
        .noneMatch(line -> line.contains("sealed"));
    loaded.set(Optional.of(rowKey));
    try (TestMinion again = TestMinion.connect(listener.port(), "web1", web1)) {
      assertThat(again.hello(pinned())).isInstanceOf(Welcomed.class);
      TestMinion.awaitConnected(listener.connected(), "web1");
    }
    assertNoStackTraceAboveDebug();
  }

  @Test
  void databaseStopped_aHelloIsAnsweredSealed_andAfterARestartTheSameMinionAuthenticates()
      throws Exception {
    try (PostgresServer own = PostgresServer.start()) {
      start(own);
      authenticated().close();
      awaitGone(WEB1);
      own.stop();

      try (TestMinion m = TestMinion.connect(listener.port(), "web1", web1)) {
        assertSealed(
            m.hello(pinned()),
            "this master cannot reach the cluster's minion keys (its database); try again or"
                + " another master");
        assertThat(refusalLines())
            .singleElement()
            .satisfies(
                line ->
                    assertThat(line)
                        .contains("web1 from 127.0.0.1: minion key store (PostgreSQL) unreachable: ")
                        .doesNotContain(own.password()));

        own.restart();
        // The same minion, on the same connection, with its key as the database kept it.
        Outcome back = helloUntilAnswered(m);
        assertThat(back).isInstanceOf(Welcomed.class);
        TestMinion.awaitConnected(listener.connected(), "web1");
      }
    }
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("handshake failed"));
    assertNoStackTraceAboveDebug();
  }

  /**
   * HELLOs until the answer is not SEALED: a restarted server may refuse a connection or two while
   * it starts, each of which is rightly answered SEALED.
   */
  private Outcome helloUntilAnswered(TestMinion m) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Outcome outcome = m.hello(pinned());
    while (outcome instanceof Refused r
        && r.type() == MessageType.SEALED
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
      outcome = m.hello(pinned());
    }
    return outcome;
  }

  private void awaitGone(MinionId id) throws InterruptedException {
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    while (listener.connected().isConnected(id) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(listener.connected().isConnected(id)).as(id + " unregistered").isFalse();
  }
}
