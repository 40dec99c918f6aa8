package io.brine.master.jobs.shared;

import io.brine.master.jobs.JobStoreUnavailableException;

/**
 * The database did not answer: refused, cut off, shutting down, or the pool timed out waiting for
 * a connection. Nothing of the call was stored. Its message is one line, names the reason the
 * driver gave, and never a password.
 */
public final class DatabaseUnavailableException extends JobStoreUnavailableException {
  private static final long serialVersionUID = 1L;

  DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
