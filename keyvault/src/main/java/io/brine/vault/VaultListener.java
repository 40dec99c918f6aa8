package io.brine.vault;

import io.brine.vault.storage.Storage;

/**
 * Told when the vault unseals and seals, so the master can load (or, on a fresh vault, create)
 * its RSA key through the barrier and drop it again. Called on the thread that changed the state;
 * an exception from a listener is logged and does not undo the change.
 */
public interface VaultListener {
  /** The barrier is open; {@code barrier} reads and writes encrypted entries until the seal. */
  void unsealed(Storage barrier) throws VaultException;

  /**
   * The vault is about to seal: the barrier is still open, so a listener can write its last state
   * through it (the audit devices' final checkpoints). Must not fail or wait long: the seal goes on
   * whatever happens here.
   */
  default void sealing() {}

  /** The vault has sealed: every key held for others must be forgotten now. */
  void sealed();
}
