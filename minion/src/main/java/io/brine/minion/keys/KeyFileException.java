package io.brine.minion.keys;

/**
 * A file the minion's trust rests on (its key pair, the pinned master key, its memory of the jobs
 * it ran) that cannot be used, with a one-line reason an operator can act on.
 */
public final class KeyFileException extends Exception {
  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }

  public KeyFileException(String message) {
    super(message);
  }
}
