package io.brine.crypto;

import java.security.GeneralSecurityException;

/** A signature that does not verify under the given public key and data. */
public final class InvalidSignatureException extends GeneralSecurityException {
  public InvalidSignatureException() {
    super("signature verification failed");
  }
}
