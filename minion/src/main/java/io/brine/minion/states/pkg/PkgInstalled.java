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
 * {@code pkg.installed}: installs what of {@code name} (at {@code version}), {@code pkgs} or
 * {@code sources} is missing or at another version, through one pkg.install of just those, and
 * checks afterwards that each is there. Salt's comments; the changes are pkg.install's {name:
 * {old, new}}, dependencies included. Sources are fetched from the master by pkg.install itself.
 */
final class PkgInstalled implements StateFunction {
  private static final Set<String> KEYWORDS =
      Set.of("version", "pkgs", "sources", "refresh", "fromrepo", "skip_verify");

  @Override
  public String name() {
    return "pkg.installed";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      Targets t = Targets.of(name(), call.name(), a, true);
      Map<String, List<String>> before = Packages.installed(call.context());
      List<String> targets = new ArrayList<>();
      List<String> already = new ArrayList<>();
      for (String pkg : t.versions().keySet()) {
        (t.satisfied(pkg, before) ? already : targets).add(pkg);
      }
      if (targets.isEmpty()) {
        return StateResult.ok("All specified packages are already installed"
            + (t.anyVersion() && t.sources().isEmpty() ? " and are at the desired version" : ""));
      }
      if (call.test()) {
        Map<String, Object> would = new LinkedHashMap<>();
        targets.forEach(p -> would.put(p, Map.of("new", "installed", "old", "")));
        return StateResult.wouldChange(
            "The following packages would be installed/updated: " + String.join(", ", targets),
            would);
      }
      FunctionOutput out = call.context().call("pkg.install", List.of(), install(a, t, targets));
      Map<String, List<String>> after = Packages.installed(call.context());
      Map<String, Object> changes = Packages.changes(out, before, after);
      if (out.retcode() != 0) {
        return new StateResult(false, "An error was encountered while installing package(s): "
            + Packages.error(out), changes);
      }
      List<String> modified = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (String pkg : targets) {
        (t.satisfied(pkg, after) ? modified : failed).add(pkg);
      }
      List<String> comment = new ArrayList<>();
      if (!modified.isEmpty()) {
        String summary = String.join(", ", modified.stream().map(t::desired).toList());
        comment.add(summary.length() < 20
            ? "The following packages were installed/updated: " + summary
            : modified.size() + " targeted package" + (modified.size() > 1 ? "s were" : " was")
                + " installed/updated.");
      }
      if (!already.isEmpty()) {
        comment.add("The following packages were already installed: "
            + String.join(", ", already.stream().map(t::desired).toList()));
      }
      if (!failed.isEmpty()) {
        comment.add("The following packages failed to install/update: "
            + String.join(", ", failed.stream().map(t::desired).toList()));
      }
      return new StateResult(failed.isEmpty(), String.join(" ", comment), changes);
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }

  /** pkg.install's arguments for only the targets, as Salt narrows pkgs and sources. */
  private static Map<String, Object> install(Arguments a, Targets t, List<String> targets)
      throws FunctionException {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (!t.sources().isEmpty()) {
      List<Object> sources = new ArrayList<>();
      targets.forEach(p -> sources.add(Map.of(p, t.sources().get(p))));
      kwargs.put("sources", sources);
    } else {
      List<Object> pkgs = new ArrayList<>();
      for (String p : targets) {
        String v = t.versions().get(p);
        pkgs.add(v == null ? p : Map.of(p, v));
      }
      kwargs.put("pkgs", pkgs);
    }
    kwargs.put("refresh", a.bool("refresh", false));
    a.optionalString("fromrepo").ifPresent(r -> kwargs.put("fromrepo", r));
    kwargs.put("skip_verify", a.bool("skip_verify", false));
    return kwargs;
  }
}
