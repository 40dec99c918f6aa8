package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code pkg.list_pkgs [versions_as_list=False]}: {@code {name: version}}, several versions of one
 * name joined by ',' (Salt's), or {@code {name: [versions]}} with versions_as_list.
 */
public final class PkgListPkgs extends PkgFunction {
  public PkgListPkgs() {
    this(PackageManagers::host);
  }

  PkgListPkgs(Supplier<Optional<PackageManager>> manager) {
    super(manager);
  }

  @Override
  public String name() {
    return "pkg.list_pkgs";
  }

  @Override
  public String doc() {
    return "Lists the installed packages and their versions.";
  }

  @Override
  FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("versions_as_list"), Set.of());
    boolean asList = a.bool("versions_as_list", false);
    Map<String, Object> ret = new TreeMap<>();
    pm.installed()
        .forEach(
            (n, versions) -> ret.put(n, asList ? new ArrayList<>(versions) : joined(versions)));
    return FunctionOutput.ok(ret);
  }
}
