package io.brine.master.ha;

import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;

/**
 * Work only the active master of a cluster does, because it writes the vault's storage (the audit
 * devices' chains, the master key's generation and rotations): started when this master takes the
 * HA lock, stopped when it gives the lock up or loses it. Called by {@link HaCoordinator}, one
 * call at a time.
 */
public interface ActiveDuty {
  /** Why a duty stops. */
  enum Stop {
    /** The vault is sealing; the barrier is still open. */
    SEALING,
    /** The HA lock was lost (this master was paused or cut off past its TTL): writes are refused. */
    LOCK_LOST,
    /** An operator asked this master to step down; it still holds the lock while duties stop. */
    STEP_DOWN
  }

  /** This master has just become active and may write through {@code barrier}. */
  void start(Storage barrier) throws VaultException;

  /** This master is no longer active: nothing may be written from now on. */
  void stop(Stop why);

  /**
   * While this master is a standby, at each leader check: read what the active master wrote
   * (the standby writes nothing).
   */
  default void follow(Storage barrier) throws VaultException {}
}
