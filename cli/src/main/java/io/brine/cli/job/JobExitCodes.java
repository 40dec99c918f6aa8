package io.brine.cli.job;

/**
 * Exit codes of {@code brine run} and {@code brine jobs show}, distinct so a script can tell them
 * apart (Salt returns 0 when nothing matched, and its users complain).
 */
final class JobExitCodes {
  /** Every targeted minion returned, and every return succeeded. */
  static final int OK = 0;

  /**
   * The command failed (the master unreachable, a refused token, a bad answer), or was used
   * wrongly: as every brine command but {@code brine key}, usage errors exit 1 (ExitCodes).
   */
  static final int ERROR = 1;

  /** No accepted minion matched the target; no job was made. */
  static final int NO_MATCH = 3;

  /** Some minion failed (retcode not 0) or did not return before the timeout. */
  static final int FAILED = 4;

  /**
   * {@code brine jobs show}: every return so far succeeded, but some minions are still running
   * the job within its timeout ({@code --wait} follows it).
   */
  static final int RUNNING = 5;

  private JobExitCodes() {}
}
