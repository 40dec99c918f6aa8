package io.brine.vault;

/**
 * The request cannot be done as asked: bad input, a wrong share, init twice, and the like. Not
 * final: {@link ForeignShareException} is the one kind callers tell apart (to rate-limit it).
 */
public class InvalidRequestException extends VaultException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
