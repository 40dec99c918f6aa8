package io.brine.crypto;

import java.security.GeneralSecurityException;

/** A MAC tag that does not match the data under the key, whatever the reason. */
public final class InvalidMacException extends GeneralSecurityException {
  public InvalidMacException() {
    super("MAC verification failed");
  }
}
