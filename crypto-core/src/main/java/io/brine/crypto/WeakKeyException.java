package io.brine.crypto;

import java.security.InvalidKeyException;

/** A well-formed key that brine refuses to use: too short, or a public exponent other than 65537. */
public final class WeakKeyException extends InvalidKeyException {
  public WeakKeyException(String message) {
    super(message);
  }
}
