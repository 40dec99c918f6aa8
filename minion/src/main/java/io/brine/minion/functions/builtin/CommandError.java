package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;

/**
 * What Salt's minion returns for a CommandExecutionError: the arguments were fine but the work
 * failed (a missing file, a refused permission). The return is "ERROR: " and one line, retcode 1,
 * so the job fails as Salt's does without the "Passed invalid arguments" of a bad call.
 */
public final class CommandError {
  private CommandError() {}

  public static FunctionOutput of(String message) {
    return new FunctionOutput("ERROR: " + OneLine.of(message), 1);
  }
}
