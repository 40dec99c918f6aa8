package io.brine.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.protocol.handshake.KeySuccession;
import io.brine.protocol.handshake.MasterHandshake;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.security.auth.Destroyable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The master's key ring over a real (in-memory) barrier: rotation, expiry, and recovery from a
 * rotation cut short after each of its writes. The end-to-end kill -9 at each step, with real
 * processes, is in the cli module (MasterKeyRotationEndToEndTest).
 */
class MasterKeyRingTest {
  private static final MinionId ID = MinionId.of("web1");
  private static KeyPair minion;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    minion = RsaKeys.generate(2048);
  }

  /** A clock the test moves. */
  private static final class Hands extends Clock {
    Instant now = Instant.parse("2026-12-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * A barrier whose writes fail from the n-th on, as a process killed after n - 1 of them leaves
   * it: everything written before is there, nothing after.
   */
  private static final class CutShort implements Storage {
    private final Storage real;
    private int writesLeft;

    CutShort(Storage real, int writesAllowed) {
      this.real = real;
      this.writesLeft = writesAllowed;
    }

    private void write() throws VaultException {
      if (writesLeft-- <= 0) {
        throw new VaultException("cut short");
      }
    }

    @Override
    public Optional<byte[]> get(String path) throws VaultException {
      return real.get(path);
    }

    @Override
    public void put(String path, byte[] value) throws VaultException {
      write();
      real.put(path, value);
    }

    @Override
    public void delete(String path) throws VaultException {
      write();
      real.delete(path);
    }

    @Override
    public List<String> list(String prefix) throws VaultException {
      return real.list(prefix);
    }
  }

  private MasterKeyRing ring(Clock clock) {
    return new MasterKeyRing(dir.resolve("pki"), 2048, clock);
  }

  @Test
  void rotate_makesANewCurrentKey_retainsTheOld_andSurvivesAReload() throws Exception {
    InMemoryStorage barrier = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing ring = ring(clock);
    ring.unsealed(barrier);
    KeyPair a = ring.masterKey().orElseThrow();
    assertThat(ring.status().epoch()).isZero();

    MasterKeyRing.Status s = ring.rotate(Duration.ofHours(168));

    KeyPair b = ring.masterKey().orElseThrow();
    assertThat(s.epoch()).isEqualTo(1);
    assertThat(s.fingerprint()).isEqualTo(Fingerprints.salt((RSAPublicKey) b.getPublic()));
    assertThat(s.retained()).singleElement().satisfies(r -> {
      assertThat(r.epoch()).isZero();
      assertThat(r.fingerprint()).isEqualTo(Fingerprints.salt((RSAPublicKey) a.getPublic()));
      assertThat(r.graceEnd()).isEqualTo(clock.now.plus(Duration.ofHours(168)).getEpochSecond());
    });
    assertThat(Pem.readPublicKey(Files.readString(ring.publicKeyFile())))
        .isEqualTo(b.getPublic());
    assertThat(barrier.get(MasterKeyRing.PENDING_PATH)).isEmpty();
    assertAuthenticates(ring, a);
    assertAuthenticates(ring, b);

    MasterKeyRing reloaded = ring(clock);
    reloaded.unsealed(barrier);
    assertThat(reloaded.status()).isEqualTo(s);
    assertAuthenticates(reloaded, a);
  }

  @Test
  void twoRotations_chainTheOldestKeyToTheCurrent() throws Exception {
    InMemoryStorage barrier = new InMemoryStorage();
    MasterKeyRing ring = ring(new Hands());
    ring.unsealed(barrier);
    KeyPair a = ring.masterKey().orElseThrow();
    ring.rotate(Duration.ofHours(1));
    KeyPair b = ring.masterKey().orElseThrow();
    ring.rotate(Duration.ofHours(1));
    assertThat(ring.status().epoch()).isEqualTo(2);
    assertThat(ring.retainedKeys()).hasSize(2);
    assertThat(ring.retainedKeys().get(1).chain()).hasSize(2);
    assertAuthenticates(ring, a);
    assertAuthenticates(ring, b);
  }

  @Test
  void afterARotation_theEpochsSessionsHeldBeforeItAreSignedByThePredecessor() throws Exception {
    InMemoryStorage barrier = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing ring = ring(clock);
    int[] publishEpoch = {7};
    ring.publishEpochFrom(() -> publishEpoch[0]);
    ring.unsealed(barrier);
    KeyPair a = ring.masterKey().orElseThrow();
    assertThat(ring.signingKeyFor(7)).containsSame(a);

    ring.rotate(Duration.ofSeconds(60));
    KeyPair b = ring.masterKey().orElseThrow();
    publishEpoch[0] = 8; // the daemon's listener rotates the publish key after the switch

    // A connected minion still at epoch 7 verifies with A; the new epoch's sessions all met B.
    assertThat(ring.signingKeyFor(7)).containsSame(a);
    assertThat(ring.signingKeyFor(6)).containsSame(a);
    assertThat(ring.signingKeyFor(8)).containsSame(b);

    clock.now = clock.now.plusSeconds(60);
    ring.expireRetired();
    assertThat(ring.signingKeyFor(7)).as("A destroyed at its grace end").containsSame(b);

    ring.sealed();
    assertThat(ring.signingKeyFor(8)).isEmpty();
  }

  @Test
  void graceEnd_destroysTheRetainedKey_andItsPinNoLongerAuthenticates() throws Exception {
    InMemoryStorage barrier = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing ring = ring(clock);
    ring.unsealed(barrier);
    KeyPair a = ring.masterKey().orElseThrow();
    ring.rotate(Duration.ofSeconds(2));
    ring.expireRetired();
    assertThat(ring.retainedKeys()).hasSize(1);

    clock.now = clock.now.plusSeconds(2);
    ring.expireRetired();

    assertThat(ring.retainedKeys()).isEmpty();
    assertThat(ring.status().retained()).isEmpty();
    assertThat(barrier.list(MasterKeyRing.RETIRED_PREFIX)).isEmpty();
    MinionHandshake m = pinnedTo(a);
    byte[] welcome = handshake(ring).welcome(Hello.parse(m.hello()),
        (RSAPublicKey) minion.getPublic(), publishKey()).body();
    assertThatThrownBy(() -> m.finish(MessageType.WELCOME, welcome))
        .hasMessageContaining("cannot verify");
  }

  /**
   * A key retained with a long grace while later keys come and go with short ones falls ever more
   * rotations behind; its chain must stay one a minion follows (at most 8 statements), or every
   * minion pinned to it is refused while the master still claims to serve it.
   */
  @Test
  void aRetainedKey_neverFallsFurtherBehindThanAMinionFollows() throws Exception {
    InMemoryStorage barrier = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing ring = ring(clock);
    ring.unsealed(barrier);
    KeyPair a = ring.masterKey().orElseThrow();
    ring.rotate(Duration.ofDays(30));
    for (int i = 2; i <= KeySuccession.MAX_CHAIN; i++) {
      ring.rotate(Duration.ZERO);
      ring.expireRetired(); // the short-lived key goes at once; A stays
    }
    assertThat(ring.retainedKeys()).singleElement()
        .satisfies(r -> assertThat(r.chain()).hasSize(KeySuccession.MAX_CHAIN));
    assertAuthenticates(ring, a);

    assertThatThrownBy(() -> ring.rotate(Duration.ZERO))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("epoch 0");

    assertThat(ring.status().epoch()).isEqualTo(KeySuccession.MAX_CHAIN);
    assertAuthenticates(ring, a);
  }

  /**
   * Writes of a rotation: 1 pending, 2 retired copy, 3 key ring (commit), 4 current key, 5 pending
   * deleted. Cut after each, then unsealed again: both pins authenticate when committed, A's alone
   * (and no trace of B) when not.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void rotationCutShort_afterAnyWrite_isRolledBackOrFinishedAtTheNextUnseal(int writes)
      throws Exception {
    InMemoryStorage real = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing first = ring(clock);
    first.unsealed(real);
    KeyPair a = first.masterKey().orElseThrow();
    first.sealed();
    MasterKeyRing cut = ring(clock);
    cut.unsealed(new CutShort(real, writes));
    assertThatThrownBy(() -> cut.rotate(Duration.ofHours(1))).isInstanceOf(VaultException.class);

    MasterKeyRing again = ring(clock);
    again.unsealed(real);

    assertThat(real.get(MasterKeyRing.PENDING_PATH)).isEmpty();
    assertAuthenticates(again, a);
    if (writes >= 3) {
      assertThat(again.status().epoch()).as("committed: finished").isEqualTo(1);
      assertThat(again.masterKey().orElseThrow().getPublic()).isNotEqualTo(a.getPublic());
      assertAuthenticates(again, again.masterKey().orElseThrow());
    } else {
      assertThat(again.status().epoch()).as("not committed: rolled back").isZero();
      assertThat(again.masterKey().orElseThrow().getPublic()).isEqualTo(a.getPublic());
      assertThat(real.list(MasterKeyRing.RETIRED_PREFIX)).isEmpty();
    }
  }

  /**
   * A write that fails after the commit point (a full disk, not a kill) leaves a committed
   * rotation behind the barrier. The running master must go on with what the barrier says, B
   * current and A in its grace: were it to keep A as its only key, A's grace would run out
   * unnoticed, and the next unseal would destroy the key every minion is still pinned to.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void aWriteFailingAfterTheCommit_leavesTheRunningMasterOnTheCommittedKeys(int writes)
      throws Exception {
    InMemoryStorage real = new InMemoryStorage();
    Hands clock = new Hands();
    MasterKeyRing first = ring(clock);
    first.unsealed(real);
    KeyPair a = first.masterKey().orElseThrow();
    first.sealed();
    MasterKeyRing running = ring(clock);
    running.unsealed(new CutShort(real, writes));
    assertThatThrownBy(() -> running.rotate(Duration.ofHours(1)))
        .isInstanceOf(VaultException.class);

    MasterKeyRing again = ring(clock);
    again.unsealed(real);
    assertThat(running.status()).isEqualTo(again.status());
    assertThat(running.masterKey().orElseThrow().getPublic())
        .isEqualTo(again.masterKey().orElseThrow().getPublic());
    assertAuthenticates(running, a);
  }

  @Test
  void aGraceShorterThanTheMinimum_isRefused_andZeroStaysAllowed() throws Exception {
    MasterKeyRing ring = ring(new Hands());
    ring.minimumGrace(Duration.ofSeconds(120));
    ring.unsealed(new InMemoryStorage());
    KeyPair a = ring.masterKey().orElseThrow();

    assertThatThrownBy(() -> ring.rotate(Duration.ofSeconds(5)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("a grace of 5s is shorter than 120s (twice reauth_window)");
    assertThat(ring.masterKey()).containsSame(a);
    assertThat(ring.status().epoch()).isZero();

    ring.rotate(Duration.ofSeconds(120));
    assertThat(ring.status().epoch()).isEqualTo(1);
    ring.rotate(Duration.ZERO); // a compromised key: destroyed at once, minions re-pinned by hand
    assertThat(ring.status().epoch()).isEqualTo(2);
  }

  @Test
  void sealed_rotateAndStatusAreRefused() throws Exception {
    MasterKeyRing ring = ring(new Hands());
    assertThatThrownBy(() -> ring.rotate(Duration.ofHours(1))).isInstanceOf(SealedException.class);
    assertThatThrownBy(ring::status).isInstanceOf(SealedException.class);
    ring.unsealed(new InMemoryStorage());
    ring.sealed();
    assertThat(ring.masterKey()).isEmpty();
    assertThat(ring.retainedKeys()).isEmpty();
  }

  @Test
  void sealing_destroysTheCurrentAndRetainedPrivateKeys() throws Exception {
    // This machine kind loads ACCP, whose RSA keys are native and can be freed and cleared.
    assertThat(CryptoProviders.current().accpLoaded()).isTrue();
    MasterKeyRing ring = ring(new Hands());
    ring.unsealed(new InMemoryStorage());
    KeyPair a = ring.masterKey().orElseThrow();
    ring.rotate(Duration.ofHours(1));
    KeyPair b = ring.masterKey().orElseThrow();

    ring.sealed();

    assertThat(((Destroyable) a.getPrivate()).isDestroyed()).as("retained key").isTrue();
    assertThat(((Destroyable) b.getPrivate()).isDestroyed()).as("current key").isTrue();
  }

  // ---- helpers

  private static PublishKey publishKey() {
    return new PublishKey(1, AesGcmKey.generate());
  }

  private static MinionHandshake pinnedTo(KeyPair master) throws Exception {
    return MinionHandshake.start(ID, minion, MasterTrust.pinned((RSAPublicKey) master.getPublic()));
  }

  private static MasterHandshake handshake(MasterKeyRing ring) throws Exception {
    return MasterHandshake.create(
        ring.masterKey().orElseThrow(), ring.retainedKeys(), ring.previousKeys().rotated());
  }

  /** A minion pinned to {@code pin} is welcomed by the ring's keys. */
  private static void assertAuthenticates(MasterKeyRing ring, KeyPair pin) throws Exception {
    MinionHandshake m = pinnedTo(pin);
    byte[] welcome =
        handshake(ring)
            .welcome(Hello.parse(m.hello()), (RSAPublicKey) minion.getPublic(), publishKey())
            .body();
    assertThat(m.finish(MessageType.WELCOME, welcome))
        .isInstanceOf(MinionHandshake.Welcomed.class);
  }
}
