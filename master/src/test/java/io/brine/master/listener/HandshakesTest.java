package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.MessageType;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandshakesTest {
  private static final long WAIT_S = 10;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Handshakes handshakes;

  @AfterEach
  void close() {
    if (handshakes != null) {
      handshakes.close();
    }
    timer.shutdownNow();
  }

  @Test
  void aHelloNobodyWaitsFor_anyMore_isSkipped_beforeAnyRsaWorkOrKeyFile() throws Exception {
    KeyPair master = RsaKeys.generate(2048);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    handshakes = held(master, pki, 16, busy, release);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Handshakes.Submitted first = handshakes.submit(hello("web1"), loopback, () -> true, false);
    assertThat(busy.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean open = new AtomicBoolean(true);
    Handshakes.Submitted queued = handshakes.submit(hello("web2"), loopback, open::get, false);

    open.set(false); // its connection closed while the one thread was busy with web1
    release.countDown();

    assertThat(first.answer().get(WAIT_S, TimeUnit.SECONDS).type())
        .isEqualTo(MessageType.PENDING);
    assertThatThrownBy(() -> queued.answer().get(WAIT_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CancellationException.class);
    assertThat(handshakes.abandoned()).isEqualTo(1);
    assertThat(handshakes.pending()).as("both released their place").isZero();
    assertThat(pki.root().resolve("minions_pre").resolve("web1")).exists();
    assertThat(pki.root().resolve("minions_pre").resolve("web2"))
        .as("nothing decided for a minion that left")
        .doesNotExist();
  }

  /**
   * Issue 14 §4: a HELLO flood from many addresses filled {@code max_pending_handshakes}, and the
   * connected minions' re-authentication HELLOs after a rotation were dropped with the strangers'
   * (a minion offline 14 s). A re-authentication now has its own lane: never refused for the
   * strangers' limits, and taken before every stranger waiting.
   */
  @Test
  void aReauthentication_isQueuedPastAFullStrangerQueue_andRunsFirst() throws Exception {
    KeyPair master = RsaKeys.generate(2048);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    handshakes = held(master, pki, 3, busy, release);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Handshakes.Submitted first = handshakes.submit(hello("s0"), loopback, () -> true, false);
    assertThat(busy.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    java.util.List<Handshakes.Submitted> strangers = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String id = "s" + i;
      Handshakes.Submitted s =
          handshakes.submit(hello(id), loopback, () -> order.add(id), false);
      assertThat(s.refusal()).isNull();
      strangers.add(s);
    }
    Handshakes.Submitted over = handshakes.submit(hello("s3"), loopback, () -> true, false);
    assertThat(over.refusal()).isEqualTo(Handshakes.Refusal.MAX_PENDING);

    Handshakes.Submitted reauth =
        handshakes.submit(hello("web1"), loopback, () -> order.add("web1"), true);

    assertThat(reauth.refusal()).as("the strangers' queue is full; not this lane").isNull();
    release.countDown();
    reauth.answer().get(WAIT_S, TimeUnit.SECONDS);
    for (Handshakes.Submitted s : strangers) {
      s.answer().get(WAIT_S, TimeUnit.SECONDS);
    }
    first.answer().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(order).containsExactly("web1", "s1", "s2");
    assertThat(handshakes.pending()).isZero();
  }

  /** Issue 14 §1: the same HELLO twice is a replay, refused before any work. */
  @Test
  void theSameHelloTwice_isRefusedAsAReplay() throws Exception {
    PkiDirectory pki = PkiDirectory.open(dir.resolve("pki"));
    PublishKeyRotator rotator =
        new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    KeyPair master = RsaKeys.generate(2048);
    handshakes =
        new Handshakes(
            () -> Optional.of(master),
            () -> PreviousMasterKeys.NONE,
            pki,
            rotator,
            1,
            16,
            16,
            60,
            timer);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    byte[] recorded =
        MinionHandshake.start(
                MinionId.of("web1"),
                RsaKeys.generate(2048),
                MasterTrust.pinned((java.security.interfaces.RSAPublicKey) master.getPublic()))
            .hello();

    Handshakes.Submitted original =
        handshakes.submit(Hello.parse(recorded), loopback, () -> true, false);
    Handshakes.Submitted replay =
        handshakes.submit(Hello.parse(recorded), loopback, () -> true, false);
    Handshakes.Submitted replayAsReauth =
        handshakes.submit(Hello.parse(recorded), loopback, () -> true, true);

    assertThat(original.refusal()).isNull();
    assertThat(original.answer().get(WAIT_S, TimeUnit.SECONDS).type())
        .isEqualTo(MessageType.PENDING);
    assertThat(replay.refusal()).isEqualTo(Handshakes.Refusal.REPLAYED_NONCE);
    assertThat(replayAsReauth.refusal()).isEqualTo(Handshakes.Refusal.REPLAYED_NONCE);
  }

  /**
   * Handshakes on one thread whose first look at the master key counts {@code busy} down and then
   * waits for {@code release}: the test queues HELLOs behind it meanwhile.
   */
  private Handshakes held(
      KeyPair master, PkiDirectory pki, int maxPending, CountDownLatch busy, CountDownLatch release) {
    PublishKeyRotator rotator =
        new PublishKeyRotator(Duration.ofHours(1), Duration.ofSeconds(5), timer);
    rotator.start();
    return new Handshakes(
        () -> {
          busy.countDown();
          try {
            release.await(WAIT_S, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(master);
        },
        () -> PreviousMasterKeys.NONE,
        pki,
        rotator,
        1,
        maxPending,
        64,
        60,
        timer);
  }

  private static Hello hello(String id) throws Exception {
    return Hello.parse(
        MinionHandshake.start(MinionId.of(id), RsaKeys.generate(2048), MasterTrust.firstContact())
            .hello());
  }
}
