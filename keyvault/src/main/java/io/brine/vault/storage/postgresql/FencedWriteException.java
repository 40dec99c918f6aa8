package io.brine.vault.storage.postgresql;

import io.brine.vault.VaultException;

/**
 * A write refused because this master does not hold the cluster's HA lock: it is a standby, or it
 * was active and lost the lock (paused or cut off past the lock's TTL while another took over).
 */
public final class FencedWriteException extends VaultException {
  private static final long serialVersionUID = 1L;

  public FencedWriteException(String message) {
    super(message);
  }
}
