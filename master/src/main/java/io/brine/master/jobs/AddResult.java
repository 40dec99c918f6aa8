package io.brine.master.jobs;

/** What {@link JobStore#addReturn} did with a minion's return. */
public enum AddResult {
  /** Stored: the first return from this minion for this job. */
  ADDED,
  /**
   * Acknowledged, nothing written: this minion sent the very return already stored (fun, return,
   * retcode and success equal), as a minion does when its connection was lost before the master's
   * acknowledgement arrived.
   */
  ALREADY_STORED,
  /**
   * Refused, nothing written: this minion already returned for this job and now sends a different
   * return. A job runs once per minion, so a second result means it ran twice (a replayed
   * publication) or the minion is not behaving; the first one stays.
   */
  CONFLICTING,
  /** Refused: the job did not target this minion. Nothing was written. */
  NOT_TARGETED,
  /** Refused: no such job (never created, expired, or not a valid job id). Nothing was written. */
  UNKNOWN_JOB
}
