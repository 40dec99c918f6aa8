package io.brine.minion.states.cron;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import java.util.List;
import java.util.Set;

/**
 * Salt's {@code cron.present} and {@code cron.absent}: entries of a user's crontab under Salt's
 * marker line {@code # SALT_CRON_IDENTIFIER:<identifier>}, below Salt's "Lines below here are
 * managed by Salt" line, so that a crontab Salt managed is managed by brine the same way and back.
 */
public final class CronStates {
  private CronStates() {}

  public static List<StateFunction> all() {
    return List.of(new CronPresent(), new CronAbsent());
  }

  /**
   * A state's arguments read as an execution function's keywords, so a misspelt or unknown one is
   * refused in Salt's words ("got an unexpected keyword argument").
   */
  static Arguments arguments(StateCall call, String state, Set<String> keywords)
      throws FunctionException {
    return Arguments.parse(
        new FunctionCall(List.of(), call.args(), call.context().functions()),
        state,
        List.of(),
        keywords);
  }
}
