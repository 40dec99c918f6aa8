package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.builtin.SafeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code pkg.version NAME [NAME...] [versions_as_list=False]}: the installed version of one package
 * ("" when it is not installed), or {@code {name: version}} for several, as Salt's.
 */
public final class PkgVersion extends PkgFunction {
  public PkgVersion() {
    this(PackageManagers::host);
  }

  PkgVersion(Supplier<Optional<PackageManager>> manager) {
    super(manager);
  }

  @Override
  public String name() {
    return "pkg.version";
  }

  @Override
  public String doc() {
    return "Returns the installed version of packages, \"\" for one not installed.";
  }

  @Override
  FunctionOutput call(FunctionCall call, PackageManager pm)
      throws FunctionException, InterruptedException {
    Arguments a = Arguments.parseVarargs(call, name(), Set.of("versions_as_list"));
    boolean asList = a.bool("versions_as_list", false);
    List<String> names = names(name(), a.rest());
    Map<String, List<String>> installed = pm.installed();
    Map<String, Object> ret = new LinkedHashMap<>();
    for (String n : names) {
      List<String> versions = installed.getOrDefault(n, List.of());
      ret.put(n, asList ? new ArrayList<>(versions) : joined(versions));
    }
    return FunctionOutput.ok(names.size() == 1 ? ret.get(names.get(0)) : ret);
  }

  /** The package names of a varargs pkg function: at least one, each a safe name. */
  static List<String> names(String function, List<Object> given) throws FunctionException {
    if (given.isEmpty()) {
      throw new FunctionException(function + " needs at least one package name");
    }
    List<String> names = new ArrayList<>();
    for (Object o : given) {
      if (!(o instanceof String s)) {
        throw new FunctionException(function + ": package names must be strings");
      }
      names.add(SafeName.PACKAGE.check(function, "name", s));
    }
    return names;
  }
}
