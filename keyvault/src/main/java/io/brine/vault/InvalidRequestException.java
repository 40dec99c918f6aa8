package io.brine.vault;

/** The request cannot be done as asked: bad input, a wrong share, init twice, and the like. */
public final class InvalidRequestException extends VaultException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
