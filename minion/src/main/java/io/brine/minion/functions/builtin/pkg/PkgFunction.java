package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** What the pkg functions share: the host's package tool, or Salt's "not available" without one. */
abstract class PkgFunction implements MinionFunction {
  private final Supplier<Optional<PackageManager>> manager;

  PkgFunction(Supplier<Optional<PackageManager>> manager) {
    this.manager = manager;
  }

  @Override
  public final FunctionOutput call(FunctionCall call)
      throws FunctionException, InterruptedException {
    Optional<PackageManager> pm = manager.get();
    if (pm.isEmpty()) {
      return new FunctionOutput(
          "'" + name() + "' is not available: no apt (dpkg-query, apt-get) or dnf (dnf, rpm) here",
          1);
    }
    return call(call, pm.get());
  }

  abstract FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException;

  /** Salt's list_pkgs value: one version, or several joined by ','. */
  static String joined(List<String> versions) {
    return versions == null ? "" : String.join(",", versions);
  }

  /** Salt's {name: {"old": ..., "new": ...}} for every package whose versions differ. */
  static Map<String, Object> changes(
      Map<String, List<String>> before, Map<String, List<String>> after) {
    Set<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    Map<String, Object> changes = new java.util.TreeMap<>();
    for (String name : names) {
      String old = joined(before.get(name));
      String now = joined(after.get(name));
      if (!old.equals(now)) {
        changes.put(name, Map.of("old", old, "new", now));
      }
    }
    return changes;
  }

  /**
   * Salt's words for a failed change, with the changes that were made anyway (dpkg may have
   * installed some packages before one failed): "ERROR: Problem encountered installing package(s).
   * Additional info follows:" and then the changes and errors.
   */
  static FunctionOutput problem(String doing, Map<String, Object> changes, String error) {
    StringBuilder sb =
        new StringBuilder("ERROR: Problem encountered ")
            .append(doing)
            .append(" package(s). Additional info follows:\n\n");
    if (!changes.isEmpty()) {
      sb.append("changes:\n");
      changes.forEach(
          (name, change) ->
              sb.append("    ").append(name).append(": ").append(change).append('\n'));
    }
    sb.append("errors:\n    - ").append(error);
    return new FunctionOutput(sb.toString(), 1);
  }
}
