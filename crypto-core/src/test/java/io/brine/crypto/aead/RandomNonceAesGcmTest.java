package io.brine.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import io.brine.crypto.UnderEachProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomNonceAesGcmTest extends UnderEachProvider {
  private static final byte[] AAD = "core/keyring".getBytes(StandardCharsets.UTF_8);

  @Test
  void encryptThenDecrypt_givesPlaintext() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate());
    byte[] msg = "hello, minion".getBytes(StandardCharsets.UTF_8);

    byte[] ct = aead.encrypt(msg, AAD);

    assertThat(ct).hasSize(msg.length + 28);
    assertThat(aead.decrypt(ct, AAD)).isEqualTo(msg);
  }

  @Test
  void emptyPlaintext_andNullAad_work() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate());
    byte[] ct = aead.encrypt(new byte[0], null);
    assertThat(aead.decrypt(ct, new byte[0])).isEmpty();
  }

  @Test
  void decrypt_otherAad_fails() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate());
    byte[] ct = aead.encrypt(new byte[] {1, 2, 3}, AAD);
    assertThatThrownBy(() -> aead.decrypt(ct, "core/other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DecryptionFailedException.class)
        .hasMessage("decryption failed");
  }

  @Test
  void decrypt_otherKey_fails() throws Exception {
    byte[] ct = RandomNonceAesGcm.create(AesGcmKey.generate()).encrypt(new byte[] {1}, AAD);
    Aead other = RandomNonceAesGcm.create(AesGcmKey.generate());
    assertThatThrownBy(() -> other.decrypt(ct, AAD)).isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void decrypt_truncatedOrExtended_fails() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate());
    byte[] ct = aead.encrypt(new byte[] {1, 2, 3, 4}, AAD);
    for (int len = 0; len < ct.length; len++) {
      byte[] cut = Arrays.copyOf(ct, len);
      assertThatThrownBy(() -> aead.decrypt(cut, AAD))
          .as("truncated to %d", len)
          .isInstanceOf(DecryptionFailedException.class);
    }
    byte[] longer = Arrays.copyOf(ct, ct.length + 1);
    assertThatThrownBy(() -> aead.decrypt(longer, AAD))
        .isInstanceOf(DecryptionFailedException.class);
    assertThatThrownBy(() -> aead.decrypt(null, AAD)).isInstanceOf(DecryptionFailedException.class);
  }

  /** 2^17 encryptions, no nonce seen twice (Tink's testRandomNonce does the same). */
  @Test
  void encrypt_manyTimes_neverRepeatsNonce() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate());
    Set<ByteBuffer> nonces = new HashSet<>();
    for (int i = 0; i < (1 << 17); i++) {
      byte[] ct = aead.encrypt(new byte[0], null);
      nonces.add(ByteBuffer.wrap(Arrays.copyOf(ct, 12)));
    }
    assertThat(nonces).hasSize(1 << 17);
  }

  @Test
  void encrypt_pastMessageLimit_isRefusedBeforeEncrypting() throws Exception {
    Aead aead = RandomNonceAesGcm.create(AesGcmKey.generate(), 3);
    for (int i = 0; i < 3; i++) {
      aead.encrypt(new byte[] {1}, null);
    }
    assertThatThrownBy(() -> aead.encrypt(new byte[] {1}, null))
        .isInstanceOf(KeyExhaustedException.class)
        .hasMessageContaining("limit of 3 messages");
  }

  @Test
  void create_limitAboveNistBound_isRefused() {
    AesGcmKey key = AesGcmKey.generate();
    assertThatThrownBy(() -> RandomNonceAesGcm.create(key, RandomNonceAesGcm.MAX_MESSAGES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RandomNonceAesGcm.create(key, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void destroyedKey_refusesToWork_andIsWiped() throws Exception {
    AesGcmKey key = AesGcmKey.generate();
    Aead aead = RandomNonceAesGcm.create(key);
    byte[] ct = aead.encrypt(new byte[] {1}, null);

    key.destroy();

    assertThat(key.isDestroyed()).isTrue();
    assertThat(key.secret().isDestroyed()).isTrue();
    assertThatThrownBy(() -> aead.encrypt(new byte[] {1}, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("destroyed");
    assertThatThrownBy(() -> aead.decrypt(ct, null)).isInstanceOf(IllegalStateException.class);
    assertThat(key.toString()).contains("destroyed");
  }
}
