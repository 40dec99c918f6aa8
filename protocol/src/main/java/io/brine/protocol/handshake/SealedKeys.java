package io.brine.protocol.handshake;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.protocol.ProtocolException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * A WELCOME's {@code keys} field: the publish key, and the HELLO's token when it had one, sealed
 * with AES-256-GCM under K_keys, a key derived from the same RSA-wrapped secret and X25519
 * agreement as the session key (see {@link Derivation#welcomeKeys}).
 *
 * <pre>
 *   keys = nonce (12) || AES-256-GCM(K_keys, publish key (32) || token (32, when sent)) || tag (16)
 * </pre>
 *
 * <p>One RSA-OAEP wrap per WELCOME instead of three: a minion does one RSA private-key operation
 * per handshake instead of three. K_keys seals one message and is destroyed; the associated data
 * is empty because the whole field is in the transcript the master authenticates.
 */
final class SealedKeys {
  private static final int KEY_BYTES = AesGcmKey.KEY_SIZE_IN_BYTES;
  /** RandomNonceAesGcm's nonce and tag. */
  private static final int OVERHEAD = 12 + 16;
  static final int MIN_BYTES = OVERHEAD + KEY_BYTES;
  static final int MAX_BYTES = OVERHEAD + KEY_BYTES + MinionHandshake.TOKEN_BYTES;

  /** What {@link #open} found: the publish key's bytes, and the token or null; the caller's. */
  record Opened(SecretBytes publishKey, SecretBytes token) {}

  private SealedKeys() {}

  static byte[] seal(AesGcmKey keysKey, SecretBytes publishKey, SecretBytes tokenOrNull)
      throws GeneralSecurityException {
    byte[] plaintext = new byte[KEY_BYTES + (tokenOrNull == null ? 0 : tokenOrNull.length())];
    byte[] key = publishKey.copyOut(SecretAccess.INSECURE);
    byte[] token = tokenOrNull == null ? new byte[0] : tokenOrNull.copyOut(SecretAccess.INSECURE);
    try {
      System.arraycopy(key, 0, plaintext, 0, KEY_BYTES);
      System.arraycopy(token, 0, plaintext, KEY_BYTES, token.length);
      return RandomNonceAesGcm.create(keysKey, 1).encrypt(plaintext, null);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(token, (byte) 0);
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * @param tokenSent whether the HELLO carried a token, and so whether one must come back
   * @throws ProtocolException if the field does not decrypt under K_keys or holds the wrong length
   */
  static Opened open(AesGcmKey keysKey, byte[] sealed, boolean tokenSent)
      throws ProtocolException {
    byte[] plaintext;
    try {
      plaintext = RandomNonceAesGcm.create(keysKey).decrypt(sealed, null);
    } catch (DecryptionFailedException e) {
      throw new ProtocolException(
          "WELCOME keys do not decrypt: they were not sealed for this handshake", e);
    } catch (GeneralSecurityException e) {
      throw new ProtocolException("WELCOME keys cannot be decrypted: " + e.getMessage(), e);
    }
    try {
      int expected = KEY_BYTES + (tokenSent ? MinionHandshake.TOKEN_BYTES : 0);
      if (plaintext.length != expected) {
        throw new ProtocolException(
            tokenSent
                ? "WELCOME does not return the token this minion sent"
                : "WELCOME returns a token although this minion sent none");
      }
      SecretBytes publishKey = SecretBytes.wrap(Arrays.copyOfRange(plaintext, 0, KEY_BYTES));
      SecretBytes token =
          tokenSent ? SecretBytes.wrap(Arrays.copyOfRange(plaintext, KEY_BYTES, expected)) : null;
      return new Opened(publishKey, token);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }
}
