package io.brine.crypto;

import java.security.GeneralSecurityException;

/**
 * The one exception for any ciphertext that does not decrypt: a wrong key, a changed byte, a
 * truncation, other associated data, a replayed or reordered message. The message never says which,
 * so a peer learns nothing from it.
 */
public final class DecryptionFailedException extends GeneralSecurityException {
  public DecryptionFailedException() {
    super("decryption failed");
  }

  public DecryptionFailedException(Throwable cause) {
    super("decryption failed", cause);
  }
}
