package io.brine.minion.keys;

/** A key file that cannot be used, with a one-line reason an operator can act on. */
public final class KeyFileException extends Exception {
  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }

  public KeyFileException(String message) {
    super(message);
  }
}
