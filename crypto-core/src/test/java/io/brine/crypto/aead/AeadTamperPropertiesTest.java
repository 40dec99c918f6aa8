package io.brine.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.DecryptionFailedException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any change to any byte of a ciphertext or of its associated data makes decryption fail. */
class AeadTamperPropertiesTest {
  private static final AesGcmKey KEY = AesGcmKey.generate();

  @Property(tries = 300)
  void flippingAnyCiphertextBit_failsDecryption(
      @ForAll @Size(max = 200) byte[] plaintext,
      @ForAll @Size(max = 40) byte[] aad,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit)
      throws Exception {
    Aead aead = RandomNonceAesGcm.create(KEY);
    byte[] ct = aead.encrypt(plaintext, aad);
    ct[position % ct.length] ^= (byte) (1 << bit);

    assertThatThrownBy(() -> aead.decrypt(ct, aad)).isInstanceOf(DecryptionFailedException.class);
  }

  @Property(tries = 300)
  void flippingAnyAadBit_failsDecryption(
      @ForAll @Size(max = 200) byte[] plaintext,
      @ForAll @Size(min = 1, max = 40) byte[] aad,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit)
      throws Exception {
    Aead aead = RandomNonceAesGcm.create(KEY);
    byte[] ct = aead.encrypt(plaintext, aad);
    byte[] otherAad = aad.clone();
    otherAad[position % aad.length] ^= (byte) (1 << bit);

    assertThatThrownBy(() -> aead.decrypt(ct, otherAad))
        .isInstanceOf(DecryptionFailedException.class);
    assertThat(aead.decrypt(ct, aad)).isEqualTo(plaintext);
  }

  @Property(tries = 200)
  void sequencedCipher_flippingAnyBit_failsDecryption(
      @ForAll @Size(max = 200) byte[] plaintext,
      @ForAll @Size(max = 40) byte[] aad,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 0, max = 7) int bit)
      throws Exception {
    // A session key is fresh per session: two sessions on one key would repeat counter nonces.
    AesGcmKey sessionKey = AesGcmKey.generate();
    Aead minion = SequencedAesGcm.create(sessionKey, SequencedAesGcm.Role.INITIATOR);
    Aead master = SequencedAesGcm.create(sessionKey, SequencedAesGcm.Role.RESPONDER);
    byte[] ct = minion.encrypt(plaintext, aad);
    byte[] tampered = ct.clone();
    tampered[position % tampered.length] ^= (byte) (1 << bit);

    assertThatThrownBy(() -> master.decrypt(tampered, aad))
        .isInstanceOf(DecryptionFailedException.class);
    assertThat(master.decrypt(ct, aad)).as("untampered message still opens").isEqualTo(plaintext);
  }
}
