package io.brine.crypto.aead;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AES-256-GCM with a fresh random 96-bit nonce for every message, for keys that encrypt a modest
 * number of messages (vault entries, publications under a publish key that rotates daily).
 *
 * <pre>
 *   ciphertext = nonce (12 bytes) || encrypted plaintext || tag (16 bytes)
 * </pre>
 *
 * <p>Random nonces collide with probability about q^2 / 2^97 after q messages, so a key refuses to
 * encrypt more than 2^32 messages (NIST SP 800-38D, section 8.3) and throws {@link
 * KeyExhaustedException} before the message that would exceed that. Thread-safe.
 */
public final class RandomNonceAesGcm implements Aead {
  /** The NIST limit for random 96-bit nonces under one key. */
  public static final long MAX_MESSAGES = 1L << 32;

  static final int OVERHEAD_IN_BYTES = GcmCipher.NONCE_SIZE_IN_BYTES + GcmCipher.TAG_SIZE_IN_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AesGcmKey key;
  private final long maxMessages;
  private final AtomicLong encrypted = new AtomicLong();

  private RandomNonceAesGcm(AesGcmKey key, long maxMessages) {
    this.key = key;
    this.maxMessages = maxMessages;
  }

  public static RandomNonceAesGcm create(AesGcmKey key) {
    return create(key, MAX_MESSAGES);
  }

  /**
   * As {@link #create(AesGcmKey)} with a lower message limit. The count belongs to this object, so
   * make one object per key and share it.
   */
  public static RandomNonceAesGcm create(AesGcmKey key, long maxMessages) {
    if (maxMessages <= 0 || maxMessages > MAX_MESSAGES) {
      throw new IllegalArgumentException("message limit must be in 1.." + MAX_MESSAGES);
    }
    return new RandomNonceAesGcm(key, maxMessages);
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
    if (encrypted.getAndIncrement() >= maxMessages) {
      encrypted.decrementAndGet();
      throw new KeyExhaustedException(
          "this AES-GCM key has encrypted its limit of " + maxMessages + " messages; rotate it");
    }
    byte[] nonce = new byte[GcmCipher.NONCE_SIZE_IN_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] out = new byte[plaintext.length + OVERHEAD_IN_BYTES];
    System.arraycopy(nonce, 0, out, 0, nonce.length);
    GcmCipher.seal(key, nonce, plaintext, associatedData, out, nonce.length);
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    if (ciphertext == null || ciphertext.length < OVERHEAD_IN_BYTES) {
      throw new DecryptionFailedException();
    }
    byte[] nonce = new byte[GcmCipher.NONCE_SIZE_IN_BYTES];
    System.arraycopy(ciphertext, 0, nonce, 0, nonce.length);
    return GcmCipher.open(
        key, nonce, ciphertext, nonce.length, ciphertext.length - nonce.length, associatedData);
  }
}
