package io.brine.crypto;

/** The operator asked for a provider that does not load on this machine. */
public final class ProviderUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProviderUnavailableException(String message) {
    super(message);
  }
}
