package io.brine.vault.storage.postgresql;

/**
 * A storage path as OpenBao's PostgreSQL backend stores it ({@code splitKey}): {@code a/b/c} is the
 * row parent_path {@code /a/}, path {@code /a/b/}, key {@code c}; {@code a/b} is {@code /}, {@code
 * /a/}, {@code b}; a top-level {@code a} is {@code ""}, {@code /}, {@code a}. Rows written by
 * OpenBao and by brine therefore read the same to an operator's SQL.
 */
record StorageKey(String parentPath, String path, String key) {

  /** Splits a path that passed {@link io.brine.vault.storage.StoragePaths#check}. */
  static StorageKey of(String storagePath) {
    int last = storagePath.lastIndexOf('/');
    if (last < 0) {
      return new StorageKey("", "/", storagePath);
    }
    String folder = storagePath.substring(0, last);
    int parentEnd = folder.lastIndexOf('/');
    String parent = parentEnd < 0 ? "/" : "/" + folder.substring(0, parentEnd) + "/";
    return new StorageKey(parent, "/" + folder + "/", storagePath.substring(last + 1));
  }

  /** The path column of the values directly under a list prefix ("" or "a/b/"). */
  static String folderOf(String prefix) {
    return "/" + prefix;
  }
}
