package io.brine.minion.states.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pkg.removed}: removes those of {@code name} or {@code pkgs} that are installed (at {@code
 * version}, when one is given) with one pkg.remove, and checks afterwards that they are gone;
 * Salt's {@code _uninstall} comments.
 */
final class PkgRemoved implements StateFunction {
  private static final Set<String> KEYWORDS = Set.of("version", "pkgs");

  @Override
  public String name() {
    return "pkg.removed";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      Targets t = Targets.of(name(), call.name(), a, true);
      Map<String, List<String>> before = Packages.installed(call.context());
      List<String> targets = new ArrayList<>();
      for (String pkg : t.versions().keySet()) {
        if (t.satisfied(pkg, before)) {
          targets.add(pkg);
        }
      }
      if (targets.isEmpty()) {
        return StateResult.ok("None of the targeted packages are installed");
      }
      if (call.test()) {
        // Salt 3006's _uninstall: {name: {"new": "removed", "old": ""}} for each target.
        Map<String, Object> would = new LinkedHashMap<>();
        targets.forEach(p -> would.put(p, Map.of("new", "removed", "old", "")));
        return StateResult.wouldChange(
            "The following packages will be removed: " + String.join(", ", targets) + ".",
            would);
      }
      FunctionOutput out =
          call.context().call("pkg.remove", List.of(), Map.of("pkgs", List.copyOf(targets)));
      Map<String, List<String>> after = Packages.installed(call.context());
      Map<String, Object> changes = Packages.changes(out, before, after);
      if (out.retcode() != 0) {
        return new StateResult(false, "An error was encountered while removing package(s): "
            + Packages.error(out), changes);
      }
      List<String> failed = targets.stream().filter(after::containsKey).toList();
      if (!failed.isEmpty()) {
        return new StateResult(false,
            "The following packages failed to remove: " + String.join(", ", failed) + ".",
            changes);
      }
      return StateResult.changed("All targeted packages were removed.", changes);
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
