package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.Disconnector;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The attacks of issue 14 on the minion listener, performed for real over loopback TCP against a
 * real PKI folder: strangers who know an accepted minion's public key (anyone: {@code brine key -p}
 * prints it), who replay its recorded HELLO, who hold connections and half frames, or who invent
 * ids. Each test fails against the listener as it was before the fix it covers (named in it).
 */
class ListenerAttacksTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static KeyPair master;
  private static KeyPair web1;
  private static KeyPair stranger;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ListAppender<ILoggingEvent> disconnects = new ListAppender<>();
  private PkiDirectory pki;
  private PublishKeyRotator rotator;
  private MinionListener listener;

  @BeforeAll
  static void keys() throws Exception {
    master = RsaKeys.generate(2048);
    web1 = RsaKeys.generate(2048);
    stranger = RsaKeys.generate(2048);
  }

  private void start(MasterConfig.Admission admission, int maxPending) throws Exception {
    pki = PkiDirectory.open(dir.resolve("pki"));
    rotator = new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    MasterConfig.Minions config =
        new MasterConfig.Minions(
            "127.0.0.1",
            0,
            Duration.ofHours(1),
            Duration.ofSeconds(1),
            MasterConfig.Minions.DEFAULT_MAX_FRAME_BYTES,
            2,
            maxPending,
            admission);
    SessionRequests echo =
        (id, request) ->
            CompletableFuture.completedFuture(
                ("echo " + id + ": " + new String(request, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
    listener = MinionListener.start(config, () -> Optional.of(master), pki, rotator, echo);
    disconnects.start();
    ((Logger) LoggerFactory.getLogger(Disconnector.class)).addAppender(disconnects);
  }

  private static MasterConfig.Admission quickConfirm() {
    return MasterConfig.Admission.DEFAULTS.withConfirmTimeout(Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(Disconnector.class)).detachAppender(disconnects);
    if (listener != null) {
      listener.close();
    }
    if (rotator != null) {
      rotator.close();
    }
    timer.shutdownNow();
  }

  private static MasterTrust pinned() {
    return MasterTrust.pinned((RSAPublicKey) master.getPublic());
  }

  /** web1, accepted and connected through the real handshake, CONFIRM included. */
  private TestMinion acceptedWeb1() throws Exception {
    TestMinion m = TestMinion.connect(listener.port(), "web1", web1);
    m.hello(pinned());
    pki.accept(List.of(MinionId.of("web1")), false, false);
    assertThat(m.hello(pinned())).isInstanceOf(Welcomed.class);
    TestMinion.awaitConnected(listener.connected(), "web1");
    return m;
  }

  private Channel web1Channel() {
    return listener.connected().channel(MinionId.of("web1")).orElseThrow();
  }

  /**
   * The attack of issue 14 §1: a HELLO with web1's id and public key (but a nonce, an ephemeral
   * key and a token of the attacker's) every few milliseconds, each on a new connection. Before
   * the CONFIRM step the master registered each such connection as web1 at its WELCOME, closing
   * the real one: web1 went offline and its jobs went to the impostor.
   */
  @Test
  void impostorWithTheMinionsPublicKey_floodingHellos_neverDisplacesTheMinion() throws Exception {
    start(quickConfirm(), 64);
    try (TestMinion real = acceptedWeb1()) {
      Channel before = web1Channel();
      // The impostor's pair: web1's public key, which it knows, and a private key of its own.
      KeyPair posing = new KeyPair(web1.getPublic(), stranger.getPrivate());
      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicInteger welcomed = new AtomicInteger();
      AtomicInteger tried = new AtomicInteger();
      AtomicInteger published = new AtomicInteger();
      CompletableFuture<Void> impostor =
          CompletableFuture.runAsync(
              () -> {
                List<TestMinion> open = new ArrayList<>();
                try {
                  while (flooding.get() && tried.get() < 200) {
                    TestMinion fake = TestMinion.connect(listener.port(), "web1", posing);
                    open.add(fake);
                    tried.incrementAndGet();
                    MinionHandshake attempt = MinionHandshake.start(MinionId.of("web1"), posing, pinned());
                    fake.send(MessageType.HELLO, attempt.hello());
                    Frame answer = fake.read();
                    if (answer.type() == MessageType.WELCOME) {
                      welcomed.incrementAndGet();
                    }
                    if (tried.get() % 2 == 0) {
                      // A CONFIRM it cannot make: random bytes where the sealed transcript goes.
                      byte[] forged = new byte[48];
                      RANDOM.nextBytes(forged);
                      fake.send(MessageType.CONFIRM, forged);
                    }
                    Thread.sleep(10);
                  }
                  for (TestMinion fake : open) {
                    // Nothing but the WELCOME ever reached it: no PUBLISH, and it was closed.
                    if (!fake.closedByMaster(WAIT)) {
                      throw new AssertionError("an impostor's connection outlived its deadline");
                    }
                  }
                  for (TestMinion fake : open) {
                    fake.close();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // web1 keeps working throughout: its requests are answered and publications reach it.
      int rounds = 0;
      while (!impostor.isDone() && rounds < 5000) {
        assertThat(real.request("ping " + rounds)).isEqualTo("echo web1: ping " + rounds);
        byte[] envelope = ("job " + rounds).getBytes(StandardCharsets.UTF_8);
        assertThat(listener.publish(List.of(MinionId.of("web1")), 0, envelope))
            .containsExactly(MinionId.of("web1"));
        Frame frame = real.read();
        assertThat(frame.type()).isEqualTo(MessageType.PUBLISH);
        assertThat(frame.body()).isEqualTo(envelope);
        published.incrementAndGet();
        rounds++;
        Thread.sleep(5);
      }
      flooding.set(false);
      impostor.get();
      assertThat(tried.get()).isEqualTo(200);
      assertThat(welcomed.get()).as("answered, but never the minion").isEqualTo(tried.get());
      assertThat(web1Channel()).as("the same connection all along").isSameAs(before);
      assertThat(published.get()).isGreaterThan(0);
      assertThat(real.request("after")).isEqualTo("echo web1: after");
      assertThat(listener.connected().confirming()).isZero();
      assertThat(warnings("does not open: the peer does not hold the minion's key"))
          .isEqualTo(tried.get() / 2);
      assertThat(warnings("no CONFIRM within 1 s")).isEqualTo(tried.get() - tried.get() / 2);
    }
  }

  /**
   * A recorded HELLO of web1 sent again, over and over, on new connections. Before the fix it was
   * answered WELCOME each time (and, with the registration at the WELCOME, took web1's place).
   */
  @Test
  void replayedHello_isClosedUnanswered_andTheMinionKeepsWorking() throws Exception {
    start(quickConfirm(), 64);
    try (TestMinion real = TestMinion.connect(listener.port(), "web1", web1)) {
      real.hello(pinned());
      pki.accept(List.of(MinionId.of("web1")), false, false);
      MinionHandshake handshake = MinionHandshake.start(MinionId.of("web1"), web1, pinned());
      byte[] recorded = handshake.hello();
      real.send(MessageType.HELLO, recorded);
      Frame answer = real.read();
      Welcomed welcomed = (Welcomed) handshake.finish(answer.type(), answer.body());
      real.session = welcomed.session();
      real.send(MessageType.CONFIRM, real.session.sealConfirmation());
      TestMinion.awaitConnected(listener.connected(), "web1");
      Channel before = web1Channel();

      int replays = 100;
      for (int i = 0; i < replays; i++) {
        try (TestMinion replayer = TestMinion.connect(listener.port(), "web1", stranger)) {
          replayer.send(MessageType.HELLO, recorded);
          assertThat(readOrClosed(replayer)).as("no answer to a replay").isNull();
        }
        if (i % 10 == 0) {
          assertThat(real.request("ping " + i)).isEqualTo("echo web1: ping " + i);
        }
      }
      assertThat(web1Channel()).isSameAs(before);
      assertThat(warnings("replayed HELLO (its nonce was seen before)")).isEqualTo(replays);
    }
  }

  /**
   * Issue 14 §4: strangers that connect and hold sockets. Each address may hold {@code
   * max_unauthenticated_per_address} unauthenticated connections; beyond, a new one is closed as
   * it is accepted, with throttled log lines; minions from other addresses are unaffected, and a
   * connection that proved its key no longer counts. Before the fix nothing capped them.
   */
  @Test
  void idleStrangers_areCappedPerAddress_andAMinionFromElsewhereStillConnects() throws Exception {
    start(MasterConfig.Admission.DEFAULTS.withConnectionCaps(1000, 5), 64);
    InetAddress strangerAddress = InetAddress.getByName("127.0.0.2");
    List<TestMinion> idle = new ArrayList<>();
    try {
      int refused = 0;
      for (int i = 0; i < 25; i++) {
        TestMinion s = TestMinion.connect(strangerAddress, listener.port(), "stranger", stranger);
        idle.add(s);
      }
      for (TestMinion s : idle) {
        if (s.closedByMaster(Duration.ofMillis(200))) {
          refused++;
        }
      }
      assertThat(refused).isEqualTo(20);
      try (TestMinion real = acceptedWeb1()) {
        assertThat(real.request("ping")).isEqualTo("echo web1: ping");
      }
    } finally {
      for (TestMinion s : idle) {
        s.close();
      }
    }
  }

  /**
   * Issue 14 §4: a PENDING stranger announcing a 1 MiB frame and sending it slowly held the
   * megabyte for 300 s. Now, before authentication, the prefix alone closes the connection.
   */
  @Test
  void aStrangersOversizeFrame_closesAtItsPrefix() throws Exception {
    start(MasterConfig.Admission.DEFAULTS, 64);
    try (TestMinion s = TestMinion.connect(listener.port(), "stranger", stranger)) {
      s.hello(MasterTrust.firstContact()); // PENDING: what used to keep the connection 300 s
      s.sendRaw(new byte[] {0, 0x10, 0, 0}); // a frame of 1 MiB announced
      assertThat(s.closedByMaster(WAIT)).isTrue();
    }
    assertThat(warnings("frame too long")).isEqualTo(1);
  }

  /** Issue 14 §4: and a frame trickled byte by byte is cut off at its deadline. */
  @Test
  void aStrangersTrickledFrame_isCutOffAtThePartialFrameDeadline() throws Exception {
    start(MasterConfig.Admission.DEFAULTS.withPartialFrameTimeout(Duration.ofSeconds(1)), 64);
    try (TestMinion s = TestMinion.connect(listener.port(), "stranger", stranger)) {
      s.sendRaw(new byte[] {0, 0, 0x01, 0}); // 256 bytes announced, none sent
      assertThat(s.closedByMaster(WAIT)).isTrue();
    }
    assertThat(warnings("did not arrive whole within 1 s")).isEqualTo(1);
  }

  /**
   * Issue 14 §4: HELLOs with fresh ids wrote a {@code minions_pre} file each, 448 a second without
   * limit. Now at most {@code max_new_keys_per_address} a minute from one address, and never more
   * than {@code max_pending_keys} in all; the others are answered PENDING, not written.
   */
  @Test
  void freshIdsFromOneAddress_writeAtMostTheRateAndTheCap() throws Exception {
    start(MasterConfig.Admission.DEFAULTS.withNewKeyLimits(8, 5), 64);
    try (TestMinion s = TestMinion.connect(listener.port(), "stranger", stranger)) {
      for (int i = 0; i < 20; i++) {
        MinionHandshake attempt =
            MinionHandshake.start(MinionId.of("fresh" + i), stranger, MasterTrust.firstContact());
        s.send(MessageType.HELLO, attempt.hello());
        Frame answer = s.read();
        assertThat(answer.type()).isEqualTo(MessageType.PENDING);
      }
    }
    assertThat(pki.list().get(io.brine.master.pki.KeyStatus.PENDING)).hasSize(5);
    InetAddress other = InetAddress.getByName("127.0.0.3");
    try (TestMinion s = TestMinion.connect(other, listener.port(), "stranger", stranger)) {
      for (int i = 0; i < 20; i++) {
        MinionHandshake attempt =
            MinionHandshake.start(MinionId.of("other" + i), stranger, MasterTrust.firstContact());
        s.send(MessageType.HELLO, attempt.hello());
        assertThat(s.read().type()).isEqualTo(MessageType.PENDING);
      }
    }
    // The second address gets its own five, but the pending set stops at eight.
    assertThat(pki.list().get(io.brine.master.pki.KeyStatus.PENDING)).hasSize(8);
  }

  /** The next frame, or null when the master closed the connection without one. */
  private static Frame readOrClosed(TestMinion m) throws Exception {
    try {
      return m.read();
    } catch (java.io.EOFException | java.net.SocketException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the master neither answered nor closed", e);
    } catch (IOException e) {
      return null;
    }
  }

  private long warnings(String part) throws InterruptedException {
    // Closes are logged on the event loop, a moment after the peer sees them.
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    long seen = count(part);
    long stable = 0;
    while (System.nanoTime() < deadline && stable < 5) {
      Thread.sleep(50);
      long now = count(part);
      stable = now == seen ? stable + 1 : 0;
      seen = now;
    }
    return seen;
  }

  private long count(String part) {
    synchronized (disconnects.list) {
      return List.copyOf(disconnects.list).stream()
          .filter(e -> e.getFormattedMessage().contains(part))
          .count();
    }
  }
}
