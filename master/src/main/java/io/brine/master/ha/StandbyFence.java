package io.brine.master.ha;

import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;

/** The fence of a master that does not hold the HA lock: it refuses every write. */
final class StandbyFence {
  static final String MESSAGE = "this master is a standby: writes go to the active master";

  static final WriteFence REFUSE =
      tx -> {
        throw new FencedWriteException(MESSAGE);
      };

  private StandbyFence() {}
}
