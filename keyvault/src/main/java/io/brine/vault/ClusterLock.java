package io.brine.vault;

/**
 * The write lock of a cluster of masters that share one storage, as the vault takes it for the
 * writes a sealed master makes: initializing the vault and migrating its seal. Unsealed, only the
 * master holding the lock (the active one) writes, and the vault does not ask for it.
 */
public interface ClusterLock {
  /** One step that writes; it runs while this master alone may write. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws VaultException;
  }

  /**
   * Runs {@code step} holding the lock, and gives it up afterwards.
   *
   * @param purpose what the step does, for the refusal ("initialize the vault")
   * @throws InvalidRequestException when another master holds the lock
   */
  <T> T whileHolding(String purpose, Step<T> step) throws VaultException;

  /** A vault whose storage is its own: every step simply runs. */
  ClusterLock NONE =
      new ClusterLock() {
        @Override
        public <T> T whileHolding(String purpose, Step<T> step) throws VaultException {
          return step.run();
        }
      };
}
