package io.brine.minion.states.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import java.util.List;
import java.util.Set;

/**
 * Salt's {@code pkg} states over the minion's pkg functions (pkg.list_pkgs, pkg.install,
 * pkg.remove, pkg.latest_version): what is installed is asked first, so a package already as
 * desired runs no package tool at all.
 */
public final class PkgStates {
  private PkgStates() {}

  public static List<StateFunction> all() {
    return List.of(new PkgInstalled(), new PkgRemoved(), new PkgLatest());
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
