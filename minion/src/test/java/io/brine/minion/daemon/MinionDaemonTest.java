package io.brine.minion.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.daemon.MinionDaemon.State;
import io.brine.minion.daemon.TestMaster.Answer;
import io.brine.minion.keys.MasterKeyPin;
import io.brine.protocol.wire.MessageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minion daemon against a real-protocol test master, over TCP on loopback. */
class MinionDaemonTest {
  private static KeyPair masterKeys;
  private static KeyPair otherKeys;

  @TempDir Path dir;

  private TestMaster master;
  private MinionDaemon minion;

  @BeforeAll
  static void keys() throws Exception {
    masterKeys = RsaKeys.generate(2048);
    otherKeys = RsaKeys.generate(2048);
  }

  @AfterEach
  void stop() throws Exception {
    if (minion != null) {
      minion.close();
    }
    if (master != null) {
      master.close();
    }
  }

  @Test
  void firstContact_pinsTheMasterKey_andAuthenticates() throws Exception {
    master = new TestMaster(masterKeys);
    minion = MinionDaemon.start(config(""));

    minion.authenticated().get(10, TimeUnit.SECONDS);

    assertThat(minion.state()).isEqualTo(State.AUTHENTICATED);
    assertThat(minion.publishEpoch()).isEqualTo(1);
    assertThat(pin().pinned()).contains((RSAPublicKey) masterKeys.getPublic());
    assertThat(dir.resolve("pki/minion/minion.pem")).exists();
  }

  @Test
  void pendingThenAccepted_resendsHelloOnTheSameConnection() throws Exception {
    master = new TestMaster(masterKeys, Answer.PENDING);
    minion = MinionDaemon.start(config("acceptance_wait_time: 1\n"));

    await(() -> minion.state() == State.PENDING);
    minion.authenticated().get(10, TimeUnit.SECONDS);

    assertThat(master.hellos()).isEqualTo(2);
    assertThat(master.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void sealedThenWelcome_authenticatesOnceUnsealed() throws Exception {
    master = new TestMaster(masterKeys, Answer.SEALED);
    minion = MinionDaemon.start(config("acceptance_wait_time: 1\n"));

    await(() -> minion.state() == State.SEALED);
    assertThat(pin().pinned()).as("SEALED pins nothing").isEmpty();
    minion.authenticated().get(10, TimeUnit.SECONDS);

    assertThat(master.hellos()).isEqualTo(2);
  }

  @Test
  void rejected_keepsRetrying_andAuthenticatesOnceAccepted() throws Exception {
    master = new TestMaster(masterKeys, Answer.REJECTED);
    minion = MinionDaemon.start(config("acceptance_wait_time: 1\n"));

    await(() -> minion.state() == State.REFUSED);
    minion.authenticated().get(10, TimeUnit.SECONDS);

    assertThat(master.hellos()).isEqualTo(2);
  }

  @Test
  void masterWithAnotherKeyAfterPinning_isRefused_andThePinIsKept() throws Exception {
    pin().acceptOrRefuse((RSAPublicKey) masterKeys.getPublic());
    byte[] pinned = Files.readAllBytes(pin().file());
    master = new TestMaster(otherKeys, 0, true);
    minion = MinionDaemon.start(config(""));

    await(() -> minion.state() == State.UNTRUSTED);

    assertThat(master.welcomes()).isEqualTo(1);
    assertThat(minion.authenticated()).isNotDone();
    assertThat(Files.readAllBytes(pin().file())).isEqualTo(pinned);
    assertThat(minion.publishEpoch()).isEqualTo(-1);
  }

  @Test
  void masterFingerMismatch_isRefused_andNothingIsPinned() throws Exception {
    master = new TestMaster(otherKeys);
    String finger = Fingerprints.salt((RSAPublicKey) masterKeys.getPublic());
    minion = MinionDaemon.start(config("master_finger: \"" + finger + "\"\n"));

    await(() -> minion.state() == State.UNTRUSTED);

    assertThat(pin().pinned()).isEmpty();
    assertThat(minion.authenticated()).isNotDone();
  }

  @Test
  void masterFingerMatch_authenticates() throws Exception {
    master = new TestMaster(masterKeys);
    String finger = Fingerprints.salt((RSAPublicKey) masterKeys.getPublic());
    minion = MinionDaemon.start(config("master_finger: \"" + finger + "\"\n"));

    minion.authenticated().get(10, TimeUnit.SECONDS);

    assertThat(pin().pinned()).contains((RSAPublicKey) masterKeys.getPublic());
    // The minion proves its key right after the WELCOME (docs/protocol.md §2.7).
    await(() -> master.confirms() == 1);
  }

  @Test
  void reauth_switchesToTheNewEpoch_onTheSameConnection_andLosesNoPublication() throws Exception {
    master = new TestMaster(masterKeys);
    minion = MinionDaemon.start(config(""));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    master.rotate("sent across the rotation".getBytes(UTF_8));

    await(() -> minion.publishEpoch() == 2);
    await(() -> minion.publicationsOpened() == 1);
    assertThat(master.welcomes()).isEqualTo(2);
    await(() -> master.confirms() == 2); // a re-authentication is confirmed as well
    assertThat(minion.sessionsStarted()).isEqualTo(2);
    assertThat(master.connectionsAccepted()).as("same connection").isEqualTo(1);
    master.publish("after the rotation".getBytes(UTF_8));
    await(() -> minion.publicationsOpened() == 2);
    assertThat(minion.publicationsDropped()).isZero();
    assertThat(minion.state()).isEqualTo(State.AUTHENTICATED);
  }

  @Test
  void publication_signedByTheMaster_opens_signedByAnotherKey_isDropped() throws Exception {
    master = new TestMaster(masterKeys);
    minion = MinionDaemon.start(config(""));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    master.publish(otherKeys, "forged job".getBytes(UTF_8));
    await(() -> minion.publicationsDropped() == 1);
    master.publish("real job".getBytes(UTF_8));
    await(() -> minion.publicationsOpened() == 1);

    assertThat(minion.publicationsDropped()).isEqualTo(1);
    assertThat(master.connectionsAccepted())
        .as("a bad publication keeps the connection")
        .isEqualTo(1);
  }

  @Test
  void frameOutsideTheAllowList_orForgedReauth_closesTheConnection_andTheMinionReconnects()
      throws Exception {
    master = new TestMaster(masterKeys);
    minion = MinionDaemon.start(config(""));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    master.send(MessageType.REPLY, new byte[32]);
    await(() -> master.connectionsAccepted() == 2 && minion.state() == State.AUTHENTICATED);
    master.send(MessageType.REAUTH, new byte[48]);
    await(() -> master.connectionsAccepted() == 3 && minion.state() == State.AUTHENTICATED);

    assertThat(master.welcomes()).isEqualTo(3);
    assertThat(minion.publishEpoch()).isEqualTo(1);
  }

  @Test
  void droppedConnection_reconnects_andAuthenticatesAgain() throws Exception {
    master = new TestMaster(masterKeys);
    minion = MinionDaemon.start(config(""));
    minion.authenticated().get(10, TimeUnit.SECONDS);

    master.dropConnections();

    await(() -> master.welcomes() == 2 && minion.state() == State.AUTHENTICATED);
    assertThat(master.connectionsAccepted()).isEqualTo(2);
    assertThat(minion.sessionsStarted()).isEqualTo(2);
  }

  @Test
  void masterDownAtStart_minionKeepsTrying_andAuthenticatesOnceTheMasterListens() throws Exception {
    TestMaster probe = new TestMaster(masterKeys);
    int port = probe.port();
    probe.close();
    minion = MinionDaemon.start(config("", port));
    Thread.sleep(300);
    assertThat(minion.state()).isEqualTo(State.CONNECTING);

    master = new TestMaster(masterKeys, port, false);

    minion.authenticated().get(10, TimeUnit.SECONDS);
    minion.close();
    assertThat(minion.state()).isEqualTo(State.CLOSED);
  }

  private MasterKeyPin pin() {
    return new MasterKeyPin(dir.resolve("pki/minion"), null);
  }

  private MinionConfig config(String extra) throws Exception {
    return config(extra, master.port());
  }

  private MinionConfig config(String extra, int port) throws Exception {
    Path file = dir.resolve("minion.yaml");
    Files.writeString(
        file,
        "master: 127.0.0.1\n"
            + "master_port: "
            + port
            + "\n"
            + "id: web1\n"
            + "pki_dir: pki\n"
            + extra);
    return MinionConfig.load(file);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
