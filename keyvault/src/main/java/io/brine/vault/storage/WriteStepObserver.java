package io.brine.vault.storage;

import java.io.IOException;

/**
 * Called by {@link FileStorage} before each step of every put and delete, in order. It exists for
 * tests: throwing an {@link IOException} simulates the disk failing at that step (a full disk at
 * {@link WriteStep#WRITE_TEMP}), and halting the JVM simulates a crash there.
 */
@FunctionalInterface
public interface WriteStepObserver {
  /** The observer of a production store: does nothing. */
  WriteStepObserver NONE = (step, path) -> {};

  /** Called before {@code step} of the change to the storage path {@code path}. */
  void before(WriteStep step, String path) throws IOException;
}
