package io.brine.protocol.publish;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.protocol.ProtocolException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishEnvelopeTest {
  private static KeyPair master;
  private static KeyPair minion;

  private final MutableClock clock = new MutableClock();
  private PublishEnvelope.Sealer sealer;
  private PublishEnvelope.Opener opener;
  private PublishKeyring ring;
  private PublishKey epoch1;

  @BeforeAll
  static void keys() throws Exception {
    master = RsaKeys.generate(2048);
    minion = RsaKeys.generate(2048);
  }

  @BeforeEach
  void setUp() throws Exception {
    sealer = PublishEnvelope.Sealer.create((RSAPrivateCrtKey) master.getPrivate());
    opener = PublishEnvelope.Opener.create((RSAPublicKey) master.getPublic());
    ring = new PublishKeyring(clock, Duration.ofSeconds(30));
    epoch1 = new PublishKey(1, AesGcmKey.generate());
    ring.install(epoch1);
  }

  @Test
  void open_sealedByMaster_roundTrips() throws Exception {
    byte[] job = "{\"fun\":\"test.ping\"}".getBytes(UTF_8);
    assertThat(opener.open(sealer.seal(epoch1, job), ring)).isEqualTo(job);
    assertThat(opener.open(sealer.seal(epoch1, new byte[0]), ring)).isEmpty();
  }

  @Test
  void open_signedByAMinionKey_isRefused() throws Exception {
    // An accepted minion holds the publish key, so it can encrypt; it must not be able to publish.
    PublishEnvelope.Sealer forger =
        PublishEnvelope.Sealer.create((RSAPrivateCrtKey) minion.getPrivate());
    byte[] forged = forger.seal(epoch1, "{\"fun\":\"cmd.run\"}".getBytes(UTF_8));
    assertThatThrownBy(() -> opener.open(forged, ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("publication is not signed by the master key; dropped");
  }

  @Test
  void open_tamperedAnywhere_isRefused() throws Exception {
    byte[] good = sealer.seal(epoch1, "payload".getBytes(UTF_8));
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> opener.open(bad, ring)).as("byte %d", i)
          .isInstanceOf(ProtocolException.class);
    }
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    assertThatThrownBy(() -> opener.open(truncated, ring)).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> opener.open(new byte[3], ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void open_epochRelabelledToAnotherHeldKey_isRefusedBySignature() throws Exception {
    PublishKey epoch2 = new PublishKey(2, AesGcmKey.generate());
    ring.install(epoch2);
    byte[] env = sealer.seal(epoch2, "x".getBytes(UTF_8));
    env[3] = 1; // epoch 2 -> 1, a key the ring still holds
    assertThatThrownBy(() -> opener.open(env, ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("not signed by the master");
  }

  @Test
  void open_unknownEpoch_isRefused() throws Exception {
    byte[] env = sealer.seal(new PublishKey(9, AesGcmKey.generate()), "x".getBytes(UTF_8));
    assertThatThrownBy(() -> opener.open(env, ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("epoch 9, which this minion does not hold (current 1)");
  }

  @Test
  void acceptingPredecessor_opensTheOldKeysPublicationsOfEarlierEpochsOnly() throws Exception {
    // The master's key rotated from "minion" (standing in for the old key A) to "master" (B):
    // a job sealed with A under epoch 1 just before the rotation still opens once the minion
    // moved to B at epoch 2; A's signature on an epoch-2 publication does not.
    PublishEnvelope.Sealer oldKey =
        PublishEnvelope.Sealer.create((RSAPrivateCrtKey) minion.getPrivate());
    PublishKey epoch2 = new PublishKey(2, AesGcmKey.generate());
    ring.install(epoch2);
    PublishEnvelope.Opener following =
        opener.acceptingPredecessor((RSAPublicKey) minion.getPublic(), 2);

    byte[] late = "sealed with A before the rotation".getBytes(UTF_8);
    assertThat(following.open(oldKey.seal(epoch1, late), ring)).isEqualTo(late);
    assertThat(following.open(sealer.seal(epoch2, late), ring)).isEqualTo(late);
    byte[] forged = oldKey.seal(epoch2, late);
    assertThatThrownBy(() -> following.open(forged, ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("publication is not signed by the master key; dropped");
    assertThatThrownBy(() -> opener.open(oldKey.seal(epoch1, late), ring))
        .as("without the predecessor")
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void open_previousEpoch_opensWithinGraceOnly() throws Exception {
    byte[] inFlight = sealer.seal(epoch1, "sent before the rotation".getBytes(UTF_8));
    ring.install(new PublishKey(2, AesGcmKey.generate()));

    clock.advance(Duration.ofSeconds(29));
    assertThat(opener.open(inFlight, ring)).isEqualTo("sent before the rotation".getBytes(UTF_8));

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> opener.open(inFlight, ring))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("does not hold");
    assertThat(epoch1.isDestroyed()).isTrue();
  }

  @Test
  void open_olderThanPreviousEpoch_isRefusedEvenWithinGrace() throws Exception {
    byte[] old = sealer.seal(epoch1, "x".getBytes(UTF_8));
    ring.install(new PublishKey(2, AesGcmKey.generate()));
    ring.install(new PublishKey(3, AesGcmKey.generate()));
    assertThatThrownBy(() -> opener.open(old, ring)).isInstanceOf(ProtocolException.class);
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
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
}
