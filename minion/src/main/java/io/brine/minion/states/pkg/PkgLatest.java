package io.brine.minion.states.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateContext;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code pkg.latest}: installs or upgrades {@code name} or {@code pkgs} to the version the
 * repositories offer (pkg.latest_version), in one pkg.install. The package database is refreshed
 * only with {@code refresh: True}: a state run does not go to the mirrors unless asked to.
 */
final class PkgLatest implements StateFunction {
  private static final Set<String> KEYWORDS =
      Set.of("pkgs", "refresh", "fromrepo", "skip_verify");

  @Override
  public String name() {
    return "pkg.latest";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      Targets t = Targets.of(name(), call.name(), a, false);
      List<String> names = List.copyOf(t.versions().keySet());
      Map<String, String> avail = versions(call.context(), "pkg.latest_version", names,
          Map.of("refresh", a.bool("refresh", false)));
      Map<String, String> cur = versions(call.context(), "pkg.version", names, Map.of());
      List<String> problems = new ArrayList<>();
      Map<String, String> targets = new TreeMap<>();
      List<String> upToDate = new ArrayList<>();
      for (String pkg : names) {
        if (!avail.get(pkg).isEmpty()) {
          targets.put(pkg, avail.get(pkg));
        } else if (cur.get(pkg).isEmpty()) {
          problems.add("No information found for '" + pkg + "'.");
        } else {
          upToDate.add(pkg);
        }
      }
      if (!problems.isEmpty()) {
        return StateResult.failed(String.join(" ", problems));
      }
      if (targets.isEmpty()) {
        return StateResult.ok(t.fromPkgs()
            ? "All packages are up-to-date (" + String.join(", ", upToDate.stream().sorted()
                .toList()) + ")."
            : "Package " + names.get(0) + " is already up-to-date");
      }
      String alsoUpToDate = upToDate.isEmpty() ? ""
          : " The following packages are already up-to-date: " + String.join(", ", upToDate);
      if (call.test()) {
        Map<String, Object> would = new LinkedHashMap<>();
        targets.forEach((p, v) -> would.put(p, Map.of("new", v, "old", cur.get(p))));
        return StateResult.wouldChange("The following packages would be installed/upgraded: "
            + String.join(", ", targets.keySet()) + alsoUpToDate, would);
      }
      Map<String, List<String>> before = Packages.installed(call.context());
      List<Object> pkgs = new ArrayList<>();
      targets.forEach((p, v) -> pkgs.add(Map.of(p, v)));
      Map<String, Object> kwargs = new LinkedHashMap<>();
      kwargs.put("pkgs", pkgs);
      kwargs.put("refresh", false);
      a.optionalString("fromrepo").ifPresent(r -> kwargs.put("fromrepo", r));
      kwargs.put("skip_verify", a.bool("skip_verify", false));
      FunctionOutput out = call.context().call("pkg.install", List.of(), kwargs);
      Map<String, List<String>> after = Packages.installed(call.context());
      Map<String, Object> changes = Packages.changes(out, before, after);
      if (out.retcode() != 0) {
        return new StateResult(false, "An error was encountered while installing package(s): "
            + Packages.error(out), changes);
      }
      List<String> done = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      targets.forEach((p, v) ->
          (after.getOrDefault(p, List.of()).contains(v) ? done : failed).add(p));
      List<String> comment = new ArrayList<>();
      if (!done.isEmpty()) {
        comment.add("The following packages were successfully installed/upgraded: "
            + String.join(", ", done));
      }
      if (!failed.isEmpty()) {
        comment.add("The following packages failed to update: " + String.join(", ", failed));
      }
      return new StateResult(failed.isEmpty(), String.join(" ", comment) + alsoUpToDate,
          changes);
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }

  /** pkg.version or pkg.latest_version of the names, always as {name: version}. */
  private static Map<String, String> versions(StateContext context, String function,
      List<String> names, Map<String, Object> kwargs)
      throws FunctionException, InterruptedException {
    FunctionOutput out = context.call(function, List.copyOf(names), kwargs);
    if (out.retcode() != 0) {
      throw new FunctionException(String.valueOf(out.value()));
    }
    Map<String, String> versions = new LinkedHashMap<>();
    if (names.size() == 1 && !(out.value() instanceof Map)) {
      versions.put(names.get(0), out.value() == null ? "" : String.valueOf(out.value()));
    } else if (out.value() instanceof Map<?, ?> m) {
      for (String n : names) {
        Object v = m.get(n);
        versions.put(n, v == null ? "" : String.valueOf(v));
      }
    }
    for (String n : names) {
      versions.putIfAbsent(n, "");
    }
    return versions;
  }
}
