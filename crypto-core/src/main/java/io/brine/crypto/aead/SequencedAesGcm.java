package io.brine.crypto.aead;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import java.security.GeneralSecurityException;

/**
 * AES-256-GCM for one two-way session, with counter nonces per direction, as TLS 1.3 does it.
 *
 * <p>Both ends hold the same key. Each end encrypts with its own direction's counter and decrypts
 * with the peer's, so the two directions never share a nonce:
 *
 * <pre>
 *   nonce      = direction (4 bytes big-endian: 1 initiator to responder, 2 the reverse)
 *                || counter (8 bytes big-endian, starting at 0)
 *   ciphertext = encrypted plaintext || tag (16 bytes)        (the nonce is never sent)
 * </pre>
 *
 * <p>The receiver expects the next counter and nothing else, so a replayed, dropped, reordered or
 * reflected message fails to decrypt ({@link DecryptionFailedException}), and the expected counter
 * does not move; callers close the connection. Messages must therefore be decrypted in the order
 * they were encrypted, which a single ordered connection (one Netty channel) gives. Each direction
 * refuses to go past {@link #MAX_MESSAGES_PER_DIRECTION} messages; sessions are re-keyed long before.
 *
 * <p>Counters start at 0, so a key must serve exactly one session: make one object per end with a
 * freshly generated key, and never a second object for the same key and role.
 */
public final class SequencedAesGcm implements Aead {
  /** Which end of the session this object is. */
  public enum Role {
    /** The end that opened the session (the minion). */
    INITIATOR(1, 2),
    /** The end that accepted it (the master). */
    RESPONDER(2, 1);

    private final int sendDirection;
    private final int receiveDirection;

    Role(int sendDirection, int receiveDirection) {
      this.sendDirection = sendDirection;
      this.receiveDirection = receiveDirection;
    }
  }

  /** 2^32 messages each way keeps AES-GCM far inside its confidentiality bounds. */
  public static final long MAX_MESSAGES_PER_DIRECTION = 1L << 32;

  private final AesGcmKey key;
  private final Role role;
  private final long maxMessages;
  private long sendCounter;
  private long receiveCounter;

  private SequencedAesGcm(AesGcmKey key, Role role, long maxMessages) {
    this.key = key;
    this.role = role;
    this.maxMessages = maxMessages;
  }

  public static SequencedAesGcm create(AesGcmKey key, Role role) {
    return create(key, role, MAX_MESSAGES_PER_DIRECTION);
  }

  /**
   * As {@link #create(AesGcmKey, Role)} with a lower per-direction limit. The limit is fixed at
   * creation: a copy with fresh counters would reuse nonces, so none is ever offered.
   */
  public static SequencedAesGcm create(AesGcmKey key, Role role, long maxMessagesPerDirection) {
    if (maxMessagesPerDirection <= 0 || maxMessagesPerDirection > MAX_MESSAGES_PER_DIRECTION) {
      throw new IllegalArgumentException(
          "message limit must be in 1.." + MAX_MESSAGES_PER_DIRECTION);
    }
    return new SequencedAesGcm(key, role, maxMessagesPerDirection);
  }

  @Override
  public synchronized byte[] encrypt(byte[] plaintext, byte[] associatedData)
      throws GeneralSecurityException {
    if (sendCounter >= maxMessages) {
      throw new KeyExhaustedException(
          "this session key has sent its limit of " + maxMessages + " messages; re-key the session");
    }
    byte[] out = new byte[plaintext.length + GcmCipher.TAG_SIZE_IN_BYTES];
    GcmCipher.seal(key, nonce(role.sendDirection, sendCounter), plaintext, associatedData, out, 0);
    sendCounter++;
    return out;
  }

  @Override
  public synchronized byte[] decrypt(byte[] ciphertext, byte[] associatedData)
      throws GeneralSecurityException {
    if (ciphertext == null || receiveCounter >= maxMessages) {
      throw new DecryptionFailedException();
    }
    byte[] plaintext =
        GcmCipher.open(
            key,
            nonce(role.receiveDirection, receiveCounter),
            ciphertext,
            0,
            ciphertext.length,
            associatedData);
    receiveCounter++;
    return plaintext;
  }

  private static byte[] nonce(int direction, long counter) {
    byte[] n = new byte[GcmCipher.NONCE_SIZE_IN_BYTES];
    for (int i = 0; i < 4; i++) {
      n[i] = (byte) (direction >>> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++) {
      n[4 + i] = (byte) (counter >>> (56 - 8 * i));
    }
    return n;
  }
}
