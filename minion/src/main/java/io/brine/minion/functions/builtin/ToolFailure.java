package io.brine.minion.functions.builtin;

import io.brine.minion.functions.OneLine;

/**
 * A system tool an execution module ran failed where the module cannot go on (dpkg-query could not
 * list packages). The job fails with "pkg.list_pkgs failed: ToolFailure: " and this one line.
 */
public final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ToolFailure(String message) {
    super(OneLine.of(message));
  }

  /** "dpkg-query exited 2: the first lines of its stderr" (or "timed out"). */
  public static ToolFailure of(Command command, CommandResult result) {
    return new ToolFailure(describe(command, result));
  }

  public static String describe(Command command, CommandResult result) {
    return describe(command.argv().get(0), result);
  }

  public static String describe(String program, CommandResult result) {
    String why = result.timedOut() ? " timed out" : " exited " + result.exit();
    String err = result.stderr().isBlank() ? result.stdout() : result.stderr();
    String detail = OneLine.of(err);
    if (detail.length() > 500) {
      detail = detail.substring(0, 500) + "...";
    }
    return program + why + (detail.isEmpty() ? "" : ": " + detail);
  }
}
