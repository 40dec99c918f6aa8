package io.brine.master.jobs.shared;

import java.time.Instant;
import java.util.Objects;

/**
 * A job another master published, as {@link JobQueue} delivers it.
 *
 * @param seq its place in the queue: every master sees the jobs in this order
 * @param jid the job's id
 * @param origin the master that published it ({@link JobQueue#origin()} there)
 * @param created when the database queued it (the database's clock)
 * @param payload what the publishing master queued, opened (the queue only carries it); the
 *     receiver's own copy
 */
public record QueuedJob(long seq, String jid, String origin, Instant created, byte[] payload) {
  public QueuedJob {
    Objects.requireNonNull(jid, "jid");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public String toString() {
    // The payload is the job itself (function, arguments): not for a log line.
    return "QueuedJob[seq=" + seq + ", jid=" + jid + ", origin=" + origin + ", created=" + created
        + ", payload=" + payload.length + " bytes]";
  }
}
