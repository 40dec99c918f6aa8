package io.brine.vault;

/**
 * Stored data failed its integrity check: a changed byte, a value moved to another path, a
 * truncated file. Never answered with wrong data.
 */
public final class IntegrityException extends VaultException {
  public IntegrityException(String message) {
    super(message);
  }
}
