package io.brine.master.jobs.shared;

import io.brine.vault.storage.postgresql.FencedWriteException;
import java.io.IOException;

/**
 * A write only the active master may make (a job created, a job queued) refused by the {@link
 * io.brine.vault.storage.postgresql.WriteFence}: this master is a standby, or lost the HA lock.
 * Nothing was written. The {@link FencedWriteException} is the cause.
 */
public final class FencedJobWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  FencedJobWriteException(FencedWriteException cause) {
    super(cause.getMessage(), cause);
  }
}
