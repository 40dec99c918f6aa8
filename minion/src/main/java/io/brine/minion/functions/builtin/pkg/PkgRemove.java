package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.builtin.ListArgument;
import io.brine.minion.functions.builtin.SafeName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code pkg.remove NAME[,NAME2] | pkgs='["a","b"]'}: removes the packages that are installed (the
 * others are left out, as Salt does; none installed is {@code {}} without running anything) and
 * returns {@code {name: {"old": "1.2", "new": ""}}} for each change.
 */
public final class PkgRemove extends PkgFunction {
  public PkgRemove() {
    this(PackageManagers::host);
  }

  PkgRemove(Supplier<Optional<PackageManager>> manager) {
    super(manager);
  }

  @Override
  public String name() {
    return "pkg.remove";
  }

  @Override
  public String doc() {
    return "Removes packages (name, or pkgs); returns {name: {old, new}} of each change.";
  }

  @Override
  FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("name", "pkgs"), Set.of());
    Set<String> names = new LinkedHashSet<>();
    if (a.get("pkgs").isPresent()) {
      for (Object item : ListArgument.of(name(), "pkgs", a.get("pkgs").get(), false)) {
        if (!(item instanceof String s)) {
          throw new FunctionException(name() + ": each of 'pkgs' must be a package name");
        }
        names.add(SafeName.PACKAGE.check(name(), "pkgs", s));
      }
    } else {
      Optional<String> n = a.optionalString("name");
      if (n.isEmpty()) {
        throw new FunctionException(name() + " needs a package name or pkgs");
      }
      for (String part : n.get().split(",", -1)) {
        names.add(SafeName.PACKAGE.check(name(), "name", part.strip()));
      }
    }
    Map<String, List<String>> before = pm.installed();
    List<String> installed = new ArrayList<>();
    for (String n : names) {
      if (before.containsKey(n)) {
        installed.add(n);
      }
    }
    if (installed.isEmpty()) {
      return FunctionOutput.ok(Map.of());
    }
    PackageManager.Outcome o = pm.remove(installed, false);
    Map<String, Object> changes = changes(before, pm.installed());
    return o.ok() ? FunctionOutput.ok(changes) : problem("removing", changes, o.error());
  }
}
