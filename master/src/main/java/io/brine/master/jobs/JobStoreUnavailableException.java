package io.brine.master.jobs;

import java.io.IOException;

/**
 * A {@link JobStore} that cannot be reached right now (its database is down or cut off, or its key
 * is not loaded because the vault is sealed): nothing of the call was stored, and the same call
 * may succeed once the store answers again. The file cache throws it only while sealed: a disk that
 * fails does not come back by waiting.
 */
public class JobStoreUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public JobStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
