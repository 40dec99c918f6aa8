package io.brine.master.ha;

import io.brine.vault.ClusterLock;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.postgresql.PostgresqlHaLock;
import io.brine.vault.storage.postgresql.PostgresqlStorage;
import java.util.Optional;
import java.util.UUID;

/**
 * The writes a sealed master of a cluster makes (initializing the vault, migrating its seal), each
 * under the HA lock: taken for the step with one attempt, the storage fenced by it meanwhile, then
 * released. So two masters asked to initialize at once cannot both write a core record: the second
 * is refused while the first holds the lock, and finds the vault initialized after.
 */
public final class SealedWrites implements ClusterLock {
  private final PostgresqlStorage storage;
  private final PostgresqlHaLock lock;

  public SealedWrites(PostgresqlStorage storage, PostgresqlHaLock lock) {
    this.storage = storage;
    this.lock = lock;
  }

  @Override
  public <T> T whileHolding(String purpose, Step<T> step) throws VaultException {
    Optional<PostgresqlHaLock.Held> held = lock.tryAcquire(UUID.randomUUID().toString());
    if (held.isEmpty()) {
      throw new InvalidRequestException(
          "cannot " + purpose + " now: another brine master of this cluster holds its HA lock"
              + " (it is active, or doing the same); try again once it is done");
    }
    storage.fence(held.get().fence());
    try {
      return step.run();
    } finally {
      // The refusing fence first: once released, another master may take the lock and write.
      storage.fence(StandbyFence.REFUSE);
      held.get().release();
    }
  }
}
