package io.brine.vault.storage;

/**
 * The steps of a {@link FileStorage} change, in the order they happen. A put runs {@link
 * #WRITE_TEMP}, {@link #FSYNC_TEMP}, {@link #RENAME}, {@link #FSYNC_DIR}; a delete runs {@link
 * #DELETE}, then {@link #FSYNC_DIR} if a file was removed.
 */
public enum WriteStep {
  /** Create the hidden temporary file beside the target and write the value into it. */
  WRITE_TEMP,
  /** Force the temporary file's contents to disk. */
  FSYNC_TEMP,
  /** Atomically rename the temporary file over the target: the moment the new value appears. */
  RENAME,
  /** Force the folder, so the rename or removal itself survives a crash. */
  FSYNC_DIR,
  /** Remove the file. */
  DELETE
}
