package io.brine.vault.storage.postgresql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A check that a write may still be made, run inside the write's own transaction, before the write:
 * on a cluster of masters, that this master still holds the HA lock. Run in the same transaction
 * (and taking a share lock on the lock's row) it closes the gap OpenBao's fencing leaves, where the
 * lock can change hands between a separate check and the write.
 */
public interface WriteFence {
  /**
   * Throws when the write must not be made; otherwise returns with the fence held until the
   * transaction on {@code tx} ends.
   *
   * @param tx the write's connection, with auto-commit off
   * @throws FencedWriteException when this master may not write (it is not, or no longer, active)
   * @throws SQLException when the database cannot be asked
   */
  void check(Connection tx) throws SQLException, FencedWriteException;

  /** The fence of a master that writes alone (no HA): every write may be made. */
  WriteFence NONE = tx -> {};

  /**
   * The fence of a master in a cluster that does not hold the HA lock: every write is refused,
   * without asking the database.
   */
  WriteFence STANDBY =
      tx -> {
        throw new FencedWriteException("this master is a standby: writes go to the active master");
      };
}
