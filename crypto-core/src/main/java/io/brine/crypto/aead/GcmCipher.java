package io.brine.crypto.aead;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.ProviderLocal;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The one place that drives AES/GCM/NoPadding, from the provider {@link CryptoProviders} chose
 * (ACCP's AWS-LC, or SunJCE's intrinsified one; both about 20 times faster than Bouncy Castle's on
 * this machine kind). {@code Cipher.getInstance} is costly and a {@code Cipher} is not
 * thread-safe, so each thread keeps one.
 */
final class GcmCipher {
  static final int NONCE_SIZE_IN_BYTES = 12;
  static final int TAG_SIZE_IN_BYTES = 16;

  private static final ProviderLocal<Cipher> CIPHER =
      new ProviderLocal<>("AES/GCM/NoPadding", CryptoProviders::aesGcmCipher);

  private static final byte[] EMPTY = new byte[0];

  private GcmCipher() {}

  /** Writes ciphertext||tag into {@code out} at {@code outOffset}. */
  static void seal(
      AesGcmKey key, byte[] nonce, byte[] plaintext, byte[] associatedData, byte[] out, int outOffset)
      throws GeneralSecurityException {
    Cipher c = CIPHER.get();
    c.init(Cipher.ENCRYPT_MODE, key.jceKey(), new GCMParameterSpec(TAG_SIZE_IN_BYTES * 8, nonce));
    c.updateAAD(associatedData == null ? EMPTY : associatedData);
    c.doFinal(plaintext, 0, plaintext.length, out, outOffset);
  }

  /** Decrypts ciphertext||tag found at {@code offset}, {@code length} bytes long. */
  static byte[] open(
      AesGcmKey key, byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
      throws DecryptionFailedException {
    if (length < TAG_SIZE_IN_BYTES) {
      throw new DecryptionFailedException();
    }
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key.jceKey(), new GCMParameterSpec(TAG_SIZE_IN_BYTES * 8, nonce));
      c.updateAAD(associatedData == null ? EMPTY : associatedData);
      return c.doFinal(input, offset, length);
    } catch (AEADBadTagException e) {
      throw new DecryptionFailedException();
    } catch (GeneralSecurityException e) {
      throw new DecryptionFailedException(e);
    }
  }
}
