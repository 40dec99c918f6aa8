package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.config.MasterConfig;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.wire.Frame;
import io.brine.protocol.wire.MessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minion listener over real TCP on loopback, with a real PKI folder and publish key rotator;
 * the minions run the real protocol code ({@link TestMinion}).
 */
class MinionListenerTest {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private static KeyPair master;
  private static KeyPair web1;
  private static KeyPair web2;
  private static KeyPair impostor;

  @TempDir Path dir;

  private final AtomicReference<KeyPair> unsealedKey = new AtomicReference<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private PkiDirectory pki;
  private PublishKeyRotator rotator;
  private MinionListener listener;

  @BeforeAll
  static void keys() throws Exception {
    master = RsaKeys.generate(2048);
    web1 = RsaKeys.generate(2048);
    web2 = RsaKeys.generate(2048);
    impostor = RsaKeys.generate(2048);
  }

  private void start(Supplier<Optional<KeyPair>> masterKey, int threads, int maxPending)
      throws Exception {
    start(masterKey, threads, maxPending, MasterConfig.Admission.DEFAULTS);
  }

  private void start(
      Supplier<Optional<KeyPair>> masterKey,
      int threads,
      int maxPending,
      MasterConfig.Admission admission)
      throws Exception {
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
            threads,
            maxPending,
            admission);
    SessionRequests echo =
        new SessionRequests() {
          @Override
          public CompletableFuture<byte[]> handle(MinionId id, byte[] request) {
            return CompletableFuture.completedFuture(
                TestMinion.utf8("echo " + id + ": " + new String(request, StandardCharsets.UTF_8)));
          }

          @Override
          public CompletableFuture<byte[]> handleCallSession(MinionId id, byte[] request) {
            return CompletableFuture.completedFuture(
                TestMinion.utf8("call " + id + ": " + new String(request, StandardCharsets.UTF_8)));
          }
        };
    listener = MinionListener.start(config, masterKey, pki, rotator, echo);
  }

  private void startUnsealed() throws Exception {
    unsealedKey.set(master);
    start(() -> Optional.ofNullable(unsealedKey.get()), 2, 16);
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.close();
    }
    if (rotator != null) {
      rotator.close();
    }
    timer.shutdownNow();
  }

  private TestMinion connect(String id, KeyPair keys) throws Exception {
    return TestMinion.connect(listener.port(), id, keys);
  }

  private static MasterTrust pinned() {
    return MasterTrust.pinned((RSAPublicKey) master.getPublic());
  }

  /** A minion whose key is accepted, connected and authenticated with a pinned master key. */
  private TestMinion accepted(String id, KeyPair keys) throws Exception {
    TestMinion m = connect(id, keys);
    assertThat(m.hello(pinned())).isInstanceOf(Refused.class);
    pki.accept(List.of(MinionId.of(id)), false, false);
    assertThat(m.hello(pinned())).isInstanceOf(Welcomed.class);
    TestMinion.awaitConnected(listener.connected(), id);
    return m;
  }

  private Path keyFile(String folder, String id) {
    return pki.root().resolve(folder).resolve(id);
  }

  @Test
  void hello_whileSealed_isAnsweredSealed_andTheSameConnectionIsServedAfterUnseal()
      throws Exception {
    start(() -> Optional.ofNullable(unsealedKey.get()), 2, 16);
    try (TestMinion m = connect("web1", web1)) {
      Outcome sealed = m.hello(MasterTrust.firstContact());

      assertThat(sealed)
          .isEqualTo(new Refused(MessageType.SEALED, "master vault is sealed", false));
      assertThat(keyFile("minions_pre", "web1")).as("nothing decided while sealed").doesNotExist();

      unsealedKey.set(master);
      assertThat(((Refused) m.hello(MasterTrust.firstContact())).type())
          .isEqualTo(MessageType.PENDING);
    }
  }

  @Test
  void hello_firstContact_isPending_andTheKeyIsWrittenToMinionsPre() throws Exception {
    startUnsealed();
    try (TestMinion m = connect("web1", web1)) {
      Outcome outcome = m.hello(MasterTrust.firstContact());

      assertThat(outcome).isInstanceOf(Refused.class);
      Refused refused = (Refused) outcome;
      assertThat(refused.type()).isEqualTo(MessageType.PENDING);
      assertThat(refused.authenticated()).as("signed by the master").isTrue();
      assertThat(keyFile("minions_pre", "web1")).exists();
      assertThat(m.closedByMaster(Duration.ofMillis(300))).as("kept open for a re-send").isFalse();
    }
  }

  @Test
  void hello_afterAccept_isWelcomed_andTheSessionRoundTripsARequest() throws Exception {
    startUnsealed();
    try (TestMinion m = connect("web1", web1)) {
      m.hello(MasterTrust.firstContact());
      pki.accept(List.of(MinionId.of("web1")), false, false);

      Outcome outcome = m.hello(MasterTrust.firstContact());

      assertThat(outcome).isInstanceOf(Welcomed.class);
      Welcomed welcomed = (Welcomed) outcome;
      assertThat(welcomed.firstContact()).isTrue();
      assertThat(welcomed.masterKey()).isEqualTo(master.getPublic());
      assertThat(welcomed.publishKey().epoch()).isEqualTo(rotator.current().epoch());
      assertThat(json(m.lastAnswer)).contains("\"sig\"").doesNotContain("\"mac\"");
      assertThat(m.request("ping")).isEqualTo("echo web1: ping");
      assertThat(m.request("again")).isEqualTo("echo web1: again");
      awaitConnectedExactly(MinionId.of("web1"));
    }
  }

  @Test
  void hello_fromAPinnedMinion_isWelcomedWithAMac() throws Exception {
    startUnsealed();
    try (TestMinion m = accepted("web1", web1)) {
      assertThat(json(m.lastAnswer)).contains("\"mac\"").doesNotContain("\"sig\"");
      assertThat(m.request("ping")).isEqualTo("echo web1: ping");
    }
  }

  @Test
  void hello_forARejectedId_isRejected_andNothingIsWritten() throws Exception {
    startUnsealed();
    try (TestMinion m = connect("web1", web1)) {
      m.hello(pinned());
      pki.reject(List.of(MinionId.of("web1")), false, false);
      byte[] rejected = Files.readAllBytes(keyFile("minions_rejected", "web1"));

      try (TestMinion other = connect("web1", impostor)) {
        Outcome outcome = other.hello(pinned());

        assertThat(((Refused) outcome).type()).isEqualTo(MessageType.REJECTED);
      }
      assertThat(((Refused) m.hello(pinned())).type()).isEqualTo(MessageType.REJECTED);
      assertThat(Files.readAllBytes(keyFile("minions_rejected", "web1"))).isEqualTo(rejected);
      assertThat(keyFile("minions_pre", "web1")).doesNotExist();
      assertThat(keyFile("minions_denied", "web1")).doesNotExist();
      assertThat(keyFile("minions", "web1")).doesNotExist();
    }
  }

  @Test
  void hello_withAnotherKeyForAnAcceptedId_isDenied_andTheAcceptedMinionKeepsWorking()
      throws Exception {
    startUnsealed();
    try (TestMinion real = accepted("web1", web1);
        TestMinion fake = connect("web1", impostor)) {
      Outcome outcome = fake.hello(pinned());

      assertThat(((Refused) outcome).type()).isEqualTo(MessageType.DENIED);
      assertThat(keyFile("minions_denied", "web1")).exists();
      assertThat(real.request("still here")).isEqualTo("echo web1: still here");
      awaitConnectedExactly(MinionId.of("web1"));
    }
  }

  @Test
  void badInput_closesOnlyThatConnection() throws Exception {
    startUnsealed();
    try (TestMinion good = accepted("web1", web1)) {
      try (TestMinion garbage = connect("web2", web2)) {
        garbage.sendRaw(new byte[] {0, 0, 0, 3, 9, 1, 0}); // version 9

        assertThat(garbage.closedByMaster(CLOSE_WAIT)).as("wrong version").isTrue();
      }
      try (TestMinion oversize = connect("web2", web2)) {
        oversize.sendRaw(new byte[] {0, 0x20, 0, 0, 1, 1}); // 2 MiB announced

        assertThat(oversize.closedByMaster(CLOSE_WAIT)).as("oversize frame").isTrue();
      }
      try (TestMinion early = connect("web2", web2)) {
        early.send(MessageType.REQUEST, new byte[32]);

        assertThat(early.closedByMaster(CLOSE_WAIT)).as("REQUEST before auth").isTrue();
      }
      try (TestMinion badHello = connect("web2", web2)) {
        badHello.send(MessageType.HELLO, TestMinion.utf8("{\"id\":\"../etc\"}"));

        assertThat(badHello.closedByMaster(CLOSE_WAIT)).as("malformed HELLO").isTrue();
      }

      assertThat(good.request("after the noise")).isEqualTo("echo web1: after the noise");
    }
  }

  @Test
  void rotateNow_eachConnectedMinionGetsReauth_andReauthenticatesOnTheSameConnection()
      throws Exception {
    startUnsealed();
    try (TestMinion a = accepted("web1", web1);
        TestMinion b = accepted("web2", web2)) {
      int before = rotator.current().epoch();

      int epoch = rotator.rotateNow("test").epoch();

      assertThat(epoch).isGreaterThan(before);
      for (TestMinion m : List.of(a, b)) {
        Frame reauth = m.read();
        assertThat(reauth.type()).isEqualTo(MessageType.REAUTH);
        String body =
            new String(m.session.open(MessageType.REAUTH, reauth.body()), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("{\"epoch\":" + epoch + "}");

        Outcome again = m.hello(pinned());

        assertThat(again).isInstanceOf(Welcomed.class);
        assertThat(((Welcomed) again).publishKey().epoch()).isEqualTo(epoch);
        assertThat(m.request("new session")).isEqualTo("echo " + m.id + ": new session");
      }
      awaitConnectedExactly(MinionId.of("web1"), MinionId.of("web2"));
    }
  }

  @Test
  void publish_toAMinionOnTheCurrentKey_goesOutAtOnce() throws Exception {
    startUnsealed();
    try (TestMinion m = accepted("web1", web1)) {
      byte[] envelope = TestMinion.utf8("sealed job");

      listener.publish(List.of(MinionId.of("web1"), MinionId.of("absent")), rotator.current().epoch(),
          envelope);

      Frame frame = m.read();
      assertThat(frame.type()).isEqualTo(MessageType.PUBLISH);
      assertThat(frame.body()).isEqualTo(envelope);
    }
  }

  @Test
  void publish_underANewerKey_isHeld_theMinionIsAskedToReauthenticateNow_andGetsItAfter()
      throws Exception {
    startUnsealed();
    try (TestMinion m = accepted("web1", web1)) {
      int epoch = rotator.rotateNow("test").epoch();
      byte[] envelope = TestMinion.utf8("sealed under the new key");

      listener.publish(List.of(MinionId.of("web1")), epoch, envelope);

      Frame first = m.read();
      assertThat(first.type()).as("the publication waits for the new key").isEqualTo(
          MessageType.REAUTH);
      Outcome again = m.hello(pinned());
      assertThat(((Welcomed) again).publishKey().epoch()).isEqualTo(epoch);
      Frame held = m.read();
      assertThat(held.type()).isEqualTo(MessageType.PUBLISH);
      assertThat(held.body()).isEqualTo(envelope);
      Thread.sleep(1500); // past the 1 s reauth window: its scheduled REAUTH must not come
      assertThat(m.request("after")).as("the next frame is the REPLY").isEqualTo(
          "echo web1: after");
    }
  }

  @Test
  void deleteOfAnAcceptedKey_closesItsConnection_andRotatesSoon() throws Exception {
    startUnsealed();
    try (TestMinion gone = accepted("web1", web1);
        TestMinion stays = accepted("web2", web2)) {
      int before = rotator.current().epoch();

      KeyChanges changes = pki.delete(List.of(MinionId.of("web1")));
      listener.onKeysChanged(changes);

      assertThat(gone.closedByMaster(CLOSE_WAIT)).isTrue();
      awaitConnectedExactly(MinionId.of("web2"));
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      while (rotator.current().epoch() == before && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(rotator.current().epoch()).as("rotated soon after").isGreaterThan(before);
      Frame reauth = stays.read();
      assertThat(reauth.type()).isEqualTo(MessageType.REAUTH);
    }
  }

  @Test
  void reauthentication_answeredOtherThanWelcome_endsTheConnection() throws Exception {
    startUnsealed();
    try (TestMinion m = accepted("web1", web1)) {
      // Sealed without anyone closing the connections first. (A key removed from minions/ is not
      // the way to test this any more: the listener's watch closes the connection by itself.)
      unsealedKey.set(null);

      Outcome again = m.hello(pinned());

      assertThat(((Refused) again).type()).isEqualTo(MessageType.SEALED);
      assertThat(m.closedByMaster(CLOSE_WAIT)).isTrue();
      // The registry forgets the connection when the master's side of the close completes,
      // which can be a moment after the minion sees it.
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      while (listener.connected().size() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(listener.connected().size()).isZero();
    }
  }

  @Test
  void hello_forAnotherIdOnAnAuthenticatedConnection_closesIt() throws Exception {
    startUnsealed();
    try (TestMinion m = accepted("web1", web1)) {
      m.send(
          MessageType.HELLO,
          MinionHandshake.start(MinionId.of("web2"), web2, pinned()).hello());

      assertThat(m.closedByMaster(CLOSE_WAIT)).isTrue();
    }
  }

  @Test
  void secondAuthenticatedConnectionForAnId_replacesTheFirst() throws Exception {
    startUnsealed();
    try (TestMinion first = accepted("web1", web1);
        TestMinion second = connect("web1", web1)) {
      assertThat(second.hello(pinned())).isInstanceOf(Welcomed.class);

      assertThat(first.closedByMaster(CLOSE_WAIT)).isTrue();
      assertThat(second.request("one connection")).isEqualTo("echo web1: one connection");
      awaitConnectedExactly(MinionId.of("web1"));
    }
  }

  // ---- call sessions (brine call on a minion host), docs/protocol.md §2.1

  private TestMinion callSession(String id, KeyPair keys) throws Exception {
    TestMinion call = connect(id, keys);
    call.callSession = true;
    assertThat(call.hello(pinned())).isInstanceOf(Welcomed.class);
    // Answered only after the CONFIRM before it recorded the call session (one event loop).
    assertThat(call.request("hello")).isEqualTo("call " + id + ": hello");
    return call;
  }

  @Test
  void callSession_beside_theMinionsConnection_displacesNothing_andGetsNoPublicationOrReauth()
      throws Exception {
    startUnsealed();
    try (TestMinion daemon = accepted("web1", web1);
        TestMinion call = callSession("web1", web1)) {
      assertThat(daemon.closedByMaster(Duration.ofMillis(300)))
          .as("the daemon's connection stays")
          .isFalse();
      awaitConnectedExactly(MinionId.of("web1"));
      assertThat(listener.connected().callSessions()).isEqualTo(1);
      assertThat(daemon.request("still here")).isEqualTo("echo web1: still here");

      listener.publish(
          List.of(MinionId.of("web1")), rotator.current().epoch(), TestMinion.utf8("job"));
      assertThat(daemon.read().type()).isEqualTo(MessageType.PUBLISH);
      int epoch = rotator.rotateNow("test").epoch();
      assertThat(daemon.read().type()).isEqualTo(MessageType.REAUTH);

      // The call session's next frame is the answer to its own request: no PUBLISH, no REAUTH.
      assertThat(call.request("after epoch " + epoch))
          .isEqualTo("call web1: after epoch " + epoch);
    }
  }

  @Test
  void callSession_ofAPendingKey_isAnsweredPending_andARefusedOneDeniedAsAny() throws Exception {
    startUnsealed();
    try (TestMinion call = connect("web1", web1)) {
      call.callSession = true;
      assertThat(((Refused) call.hello(pinned())).type()).isEqualTo(MessageType.PENDING);
      assertThat(listener.connected().callSessions()).isZero();
    }
    pki.accept(List.of(MinionId.of("web1")), false, false);
    try (TestMinion impostorCall = connect("web1", impostor)) {
      impostorCall.callSession = true;
      assertThat(((Refused) impostorCall.hello(pinned())).type()).isEqualTo(MessageType.DENIED);
    }
  }

  @Test
  void callSessions_closeWithTheKey_andAreBoundedPerId() throws Exception {
    startUnsealed();
    try (TestMinion daemon = accepted("web1", web1)) {
      List<TestMinion> calls = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < ConnectedMinions.MAX_CALL_SESSIONS_PER_ID; i++) {
          calls.add(callSession("web1", web1));
        }
        TestMinion oneTooMany = connect("web1", web1);
        calls.add(oneTooMany);
        oneTooMany.callSession = true;
        assertThat(oneTooMany.hello(pinned())).isInstanceOf(Welcomed.class);
        assertThat(oneTooMany.closedByMaster(CLOSE_WAIT)).as("the fifth is closed").isTrue();
        assertThat(listener.connected().callSessions())
            .isEqualTo(ConnectedMinions.MAX_CALL_SESSIONS_PER_ID);

        listener.onKeysChanged(pki.delete(List.of(MinionId.of("web1"))));

        assertThat(daemon.closedByMaster(CLOSE_WAIT)).isTrue();
        for (TestMinion call : calls.subList(0, ConnectedMinions.MAX_CALL_SESSIONS_PER_ID)) {
          assertThat(call.closedByMaster(CLOSE_WAIT)).as("a call session of the deleted key")
              .isTrue();
        }
      } finally {
        for (TestMinion call : calls) {
          call.close();
        }
      }
    }
  }

  @Test
  void aHelloThatChangesWhatTheConnectionIs_closesIt() throws Exception {
    startUnsealed();
    try (TestMinion daemon = accepted("web1", web1);
        TestMinion call = callSession("web1", web1)) {
      // A call session may not become the minion's connection, nor the minion's a call session.
      call.send(
          MessageType.HELLO, MinionHandshake.start(MinionId.of("web1"), web1, pinned()).hello());
      daemon.send(
          MessageType.HELLO,
          MinionHandshake.start(MinionId.of("web1"), web1, pinned(), true).hello());

      assertThat(call.closedByMaster(CLOSE_WAIT)).isTrue();
      assertThat(daemon.closedByMaster(CLOSE_WAIT)).isTrue();
    }
  }

  @Test
  void hello_beyondMaxPendingHandshakes_closesThatConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    start(
        heldUntil(busy, release),
        1,
        1);
    try (TestMinion waiting = connect("web1", web1);
        TestMinion dropped = connect("web2", web2)) {
      waiting.send(
          MessageType.HELLO,
          MinionHandshake.start(waiting.id, web1, MasterTrust.firstContact()).hello());
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

      dropped.send(
          MessageType.HELLO,
          MinionHandshake.start(dropped.id, web2, MasterTrust.firstContact()).hello());

      assertThat(dropped.closedByMaster(CLOSE_WAIT)).isTrue();
      release.countDown();
      Frame answer = waiting.read();
      assertThat(answer.type()).isEqualTo(MessageType.PENDING);
    }
  }

  @Test
  void aFrameSentWhileItsHelloIsInWork_closesTheConnection_withoutWaitingForTheAnswer()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    start(heldUntil(busy, release), 1, 16);
    try (TestMinion impatient = connect("web1", web1)) {
      impatient.send(
          MessageType.HELLO,
          MinionHandshake.start(impatient.id, web1, MasterTrust.firstContact()).hello());
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

      // The master keeps reading while the HELLO is in work: that is also how it notices a
      // minion that gave up and closed, and skips its HELLO.
      impatient.send(MessageType.REQUEST, new byte[] {1, 2, 3});

      assertThat(impatient.closedByMaster(CLOSE_WAIT)).as("closed before the release").isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aRequestSentWhileAReauthenticationIsInWork_closesTheConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    Supplier<Optional<KeyPair>> held = heldUntil(busy, release);
    AtomicBoolean holdHandshakes = new AtomicBoolean();
    start(() -> holdHandshakes.get() ? held.get() : Optional.of(master), 1, 16);
    try (TestMinion m = accepted("web1", web1)) {
      holdHandshakes.set(true);
      m.send(MessageType.HELLO, MinionHandshake.start(m.id, web1, pinned()).hello());
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

      // Authenticated, so the gate lets a REQUEST through: the handler itself must refuse it.
      m.send(MessageType.REQUEST, m.session.seal(MessageType.REQUEST, TestMinion.utf8("early")));

      assertThat(m.closedByMaster(CLOSE_WAIT)).as("closed, not answered").isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void hello_beyondMaxHandshakesPerAddress_closesThatConnection_whileOtherAddressesAreServed()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    start(
        heldUntil(busy, release),
        1,
        16,
        new MasterConfig.Admission(Duration.ofSeconds(10), Duration.ofSeconds(10), 1));
    try (TestMinion waiting = connect("web1", web1);
        TestMinion sameAddress = connect("web2", web2);
        TestMinion otherAddress = TestMinion.connect(otherLoopback(), listener.port(), "web3",
            impostor)) {
      waiting.send(
          MessageType.HELLO,
          MinionHandshake.start(waiting.id, web1, MasterTrust.firstContact()).hello());
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

      sameAddress.send(
          MessageType.HELLO,
          MinionHandshake.start(sameAddress.id, web2, MasterTrust.firstContact()).hello());
      otherAddress.send(
          MessageType.HELLO,
          MinionHandshake.start(otherAddress.id, impostor, MasterTrust.firstContact()).hello());

      assertThat(sameAddress.closedByMaster(CLOSE_WAIT)).as("second HELLO from 127.0.0.1").isTrue();
      release.countDown();
      assertThat(waiting.read().type()).isEqualTo(MessageType.PENDING);
      assertThat(otherAddress.read().type()).as("127.0.0.2 has its own quota").isEqualTo(
          MessageType.PENDING);
    }
  }

  @Test
  void connectionThatNeverSendsHello_isClosedAfterHelloTimeout() throws Exception {
    start(
        () -> Optional.of(master),
        1,
        16,
        new MasterConfig.Admission(Duration.ofSeconds(1), Duration.ofHours(1), 16));
    try (TestMinion silent = connect("web1", web1)) {
      assertThat(silent.closedByMaster(CLOSE_WAIT)).isTrue();
    }
  }

  @Test
  void refusedConnectionThatSendsNoNewHello_isClosedAfterRefusedIdleTimeout_butASessionIsNot()
      throws Exception {
    unsealedKey.set(master);
    start(
        () -> Optional.ofNullable(unsealedKey.get()),
        1,
        16,
        new MasterConfig.Admission(Duration.ofSeconds(1), Duration.ofSeconds(4), 16));
    try (TestMinion session = accepted("web1", web1);
        TestMinion pending = connect("web2", web2)) {
      assertThat(((Refused) pending.hello(pinned())).type()).isEqualTo(MessageType.PENDING);
      assertThat(pending.closedByMaster(Duration.ofMillis(1500)))
          .as("the refused wait is longer than hello_timeout")
          .isFalse();

      assertThat(pending.closedByMaster(CLOSE_WAIT)).isTrue();
      assertThat(session.request("still here")).isEqualTo("echo web1: still here");
    }
  }

  /** 127.0.0.2: on Linux the whole 127/8 is loopback, so the master sees a second address. */
  private static java.net.InetAddress otherLoopback() throws Exception {
    return java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
  }

  /**
   * A master key supplier that blocks the handshake thread asking for it until {@code release},
   * after signalling {@code busy}: it keeps one HELLO in work while a test sends more.
   */
  private static Supplier<Optional<KeyPair>> heldUntil(
      CountDownLatch busy, CountDownLatch release) {
    return () -> {
      busy.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.of(master);
    };
  }

  private static String json(Frame frame) {
    return new String(frame.body(), StandardCharsets.UTF_8);
  }

  /**
   * The registry changes when the master's side of an accept or a close completes, which can be a
   * moment after the minion sees it: wait for it (a liveness bound, not a timing assertion).
   */
  private void awaitConnectedExactly(MinionId... ids) throws InterruptedException {
    java.util.Set<MinionId> want = java.util.Set.of(ids);
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    while (!listener.connected().ids().equals(want)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(listener.connected().ids()).containsExactlyInAnyOrder(ids);
  }
}
