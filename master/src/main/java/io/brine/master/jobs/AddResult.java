package io.brine.master.jobs;

/** What {@link JobCache#addReturn} did with a minion's return. */
public enum AddResult {
  /** Stored: the first return from this minion for this job. */
  ADDED,
  /** Ignored: this minion already returned for this job (Salt's return retries send it again). */
  DUPLICATE,
  /** Refused: the job did not target this minion. Nothing was written. */
  NOT_TARGETED,
  /** Refused: no such job (never created, expired, or not a valid job id). Nothing was written. */
  UNKNOWN_JOB
}
