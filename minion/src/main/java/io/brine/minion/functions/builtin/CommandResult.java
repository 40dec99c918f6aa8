package io.brine.minion.functions.builtin;

/**
 * What a {@link Command} did: its exit status (124 when it was killed at its timeout), stdout and
 * stderr as text with trailing whitespace stripped, each kept up to a limit.
 */
public record CommandResult(long pid, int exit, String stdout, String stderr, boolean timedOut) {
  public boolean ok() {
    return exit == 0 && !timedOut;
  }

  /** A canned result, for runners in tests. */
  public static CommandResult of(int exit, String stdout, String stderr) {
    return new CommandResult(0, exit, stdout, stderr, false);
  }
}
