package io.brine.minion.states.service;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import java.util.List;
import java.util.Set;

/**
 * Salt's {@code service} states on systemd: running, dead, enabled and disabled, over the minion's
 * service functions ({@link Units}). running and dead have Salt's {@code mod_watch}: a watched
 * change restarts (or reloads, with {@code reload: True}) a running service, stops a dead one.
 */
public final class ServiceStates {
  private ServiceStates() {}

  public static List<StateFunction> all() {
    return List.of(new ServiceRunning(), new ServiceDead(), new ServiceBootState(true),
        new ServiceBootState(false));
  }

  /**
   * {@link StateCall#arguments}, with Salt's own words for the common slip of {@code enabled} for
   * {@code enable}.
   */
  static Arguments arguments(StateCall call, String state, Set<String> keywords)
      throws FunctionException {
    if (call.args().containsKey("enabled")) {
      throw new FunctionException("Service " + call.name() + " uses non-existent option"
          + " \"enabled\".  Perhaps \"enable\" option was intended?");
    }
    return call.arguments(state, keywords);
  }

  /** {@code enable}: true, false, or not given (null): boot status left alone. */
  static Boolean enable(Arguments a) throws FunctionException {
    return a.get("enable").isEmpty() ? null : a.bool("enable", false);
  }
}
