package io.brine.vault.storage;

import io.brine.vault.VaultException;
import java.util.List;
import java.util.Optional;

/**
 * Where the vault keeps its bytes: a flat namespace of slash-separated paths, as OpenBao's
 * physical backend. Implementations: {@link FileStorage} (the default: one directory, atomic
 * writes), {@link InMemoryStorage} (tests), and the barrier, which is itself a Storage whose
 * values are encrypted.
 *
 * <p>Paths are checked by {@link StoragePaths#check} before any file name is built from them.
 */
public interface Storage {
  /** The value stored at {@code path}, or empty when there is none. */
  Optional<byte[]> get(String path) throws VaultException;

  /** Stores {@code value} at {@code path}: all of it or, after a crash, the previous value. */
  void put(String path, byte[] value) throws VaultException;

  /** Removes the value at {@code path}; removing a missing value is not an error. */
  void delete(String path) throws VaultException;

  /**
   * The names directly under {@code prefix} (which is empty or ends with "/"), sorted: a value
   * {@code prefix + "a"} lists as {@code "a"}, and anything deeper, {@code prefix + "b/c"}, as the
   * folder {@code "b/"}.
   */
  List<String> list(String prefix) throws VaultException;
}
