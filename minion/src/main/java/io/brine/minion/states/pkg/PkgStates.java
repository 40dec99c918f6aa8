package io.brine.minion.states.pkg;

import io.brine.minion.states.StateFunction;
import java.util.List;

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

}
