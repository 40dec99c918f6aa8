package io.brine.crypto;

import java.security.GeneralSecurityException;

/**
 * A key has encrypted as many messages as it safely can; a new key is needed. Raised before the
 * message is encrypted, so no nonce is ever used twice.
 */
public final class KeyExhaustedException extends GeneralSecurityException {
  public KeyExhaustedException(String message) {
    super(message);
  }
}
