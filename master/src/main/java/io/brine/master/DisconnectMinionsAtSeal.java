package io.brine.master;

import io.brine.master.listener.MinionListener;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;

/**
 * Closes every minion connection when the vault seals: the master's private key is gone from
 * memory then, and no session it authenticated should keep running. Minions reconnect and are
 * answered "sealed" until an operator unseals.
 */
final class DisconnectMinionsAtSeal implements VaultListener {
  private final MinionListener listener;

  DisconnectMinionsAtSeal(MinionListener listener) {
    this.listener = listener;
  }

  @Override
  public void unsealed(Storage barrier) {
    // Nothing: minions authenticate again by themselves.
  }

  @Override
  public void sealed() {
    listener.disconnectAll("the vault sealed");
  }
}
