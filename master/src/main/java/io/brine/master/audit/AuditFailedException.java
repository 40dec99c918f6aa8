package io.brine.master.audit;

import io.brine.vault.VaultException;

/**
 * No enabled audit device made an entry durable. The operator API answers 500 and does not carry
 * out the request (OpenBao's blocking rule); an automatic minion-key decision is not carried out
 * either. The message names no token, share or file content: it is shown to the client.
 */
public final class AuditFailedException extends VaultException {
  private static final long serialVersionUID = 1L;

  public AuditFailedException(String message) {
    super(message);
  }

  public AuditFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
