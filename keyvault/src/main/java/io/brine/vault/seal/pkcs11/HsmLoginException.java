package io.brine.vault.seal.pkcs11;

import io.brine.vault.VaultException;

/**
 * The token refused the login: a wrong, locked or expired PIN. Unlike an unreachable HSM this is
 * not retried on a timer: real HSMs and smart cards lock the PIN after a few wrong attempts, and
 * only the security officer can unlock it.
 */
public final class HsmLoginException extends VaultException {
  public HsmLoginException(String message, Throwable cause) {
    super(message, cause);
  }
}
