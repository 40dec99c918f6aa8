package io.brine.crypto;

import java.security.InvalidKeyException;

/** Key text or bytes that cannot be parsed as the key they claim to be. */
public class MalformedKeyException extends InvalidKeyException {
  public MalformedKeyException(String message) {
    super(message);
  }

  public MalformedKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
