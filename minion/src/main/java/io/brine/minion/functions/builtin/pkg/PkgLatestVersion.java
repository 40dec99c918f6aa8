package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code pkg.latest_version NAME [NAME...] [refresh=True] [show_installed=False]}: the version each
 * package would be installed or upgraded to; "" when the installed one is already the latest
 * (unless show_installed) or no repository has it. One name gives a string, several a map. As in
 * Salt, the package database is refreshed first unless refresh=False.
 */
public final class PkgLatestVersion extends PkgFunction {
  public PkgLatestVersion() {
    this(PackageManagers::host);
  }

  PkgLatestVersion(Supplier<Optional<PackageManager>> manager) {
    super(manager);
  }

  @Override
  public String name() {
    return "pkg.latest_version";
  }

  @Override
  public String doc() {
    return "Returns the version a package would be installed or upgraded to.";
  }

  @Override
  FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException {
    Arguments a = Arguments.parseVarargs(call, name(), Set.of("refresh", "show_installed"));
    boolean refresh = a.bool("refresh", true);
    boolean showInstalled = a.bool("show_installed", false);
    List<String> names = PkgVersion.names(name(), a.rest());
    if (refresh) {
      PackageManager.Outcome o = pm.refresh();
      if (!o.ok()) {
        return new FunctionOutput("ERROR: refreshing the package database failed: " + o.error(), 1);
      }
    }
    Map<String, List<String>> installed = pm.installed();
    Map<String, String> candidates = pm.candidates(names);
    Map<String, Object> ret = new LinkedHashMap<>();
    for (String n : names) {
      String candidate = candidates.getOrDefault(n, "");
      List<String> have = installed.getOrDefault(n, List.of());
      ret.put(n, !showInstalled && have.contains(candidate) ? "" : candidate);
    }
    return FunctionOutput.ok(names.size() == 1 ? ret.get(names.get(0)) : ret);
  }
}
