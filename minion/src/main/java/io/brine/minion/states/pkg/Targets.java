package io.brine.minion.states.pkg;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The packages a pkg state is about, as Salt reads them: {@code pkgs} (names, or {name: version}
 * maps of one entry), else {@code sources} ({name: salt://x.deb or /path.deb}), else the state's
 * name with {@code version}.
 *
 * @param versions name to the version wanted, null for any
 * @param sources name to its package file, in the order given; empty unless sources= was given
 * @param fromPkgs whether pkgs= named them (Salt's messages differ for one name)
 */
record Targets(Map<String, String> versions, Map<String, String> sources, boolean fromPkgs) {
  static Targets of(String state, String name, Arguments a, boolean takesVersions)
      throws FunctionException {
    Optional<Object> pkgs = a.get("pkgs");
    Optional<Object> sources = a.get("sources");
    if (pkgs.isPresent() && sources.isPresent()) {
      throw new FunctionException("Only one of \"pkgs\" and \"sources\" is permitted.");
    }
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, String> files = new LinkedHashMap<>();
    if (pkgs.isPresent()) {
      for (Object item : list(state, "pkgs", pkgs.get())) {
        if (item instanceof Map<?, ?> m && m.size() == 1 && takesVersions) {
          Map.Entry<?, ?> e = m.entrySet().iterator().next();
          versions.put(String.valueOf(e.getKey()),
              e.getValue() == null ? null : String.valueOf(e.getValue()));
        } else if (item instanceof String || item instanceof Number) {
          versions.put(String.valueOf(item), null);
        } else {
          throw new FunctionException(state + ": each of 'pkgs' must be a package name"
              + (takesVersions ? " or a {name: version} map of one entry" : ""));
        }
      }
    } else if (sources.isPresent()) {
      for (Object item : list(state, "sources", sources.get())) {
        if (!(item instanceof Map<?, ?> m) || m.size() != 1
            || !(m.values().iterator().next() instanceof String source)) {
          throw new FunctionException(
              state + ": each of 'sources' must be a {name: source} map of one entry");
        }
        String pkg = String.valueOf(m.keySet().iterator().next());
        files.put(pkg, source);
        versions.put(pkg, null);
      }
    } else {
      Optional<String> version = takesVersions ? a.optionalString("version") : Optional.empty();
      versions.put(name, version.filter(v -> !v.isEmpty()).orElse(null));
    }
    if (versions.isEmpty()) {
      throw new FunctionException(state + ": no packages given ('pkgs' or 'sources' is empty)");
    }
    return new Targets(versions, files, pkgs.isPresent() || sources.isPresent());
  }

  private static List<?> list(String state, String argument, Object value)
      throws FunctionException {
    if (value instanceof List<?> l) {
      return l;
    }
    throw new FunctionException(state + ": '" + argument + "' must be a list");
  }

  /** Whether the listing has the package at the version wanted (any, when none is). */
  boolean satisfied(String name, Map<String, List<String>> installed) {
    List<String> have = installed.get(name);
    if (have == null || have.isEmpty()) {
      return false;
    }
    String wanted = versions.get(name);
    return wanted == null || have.contains(wanted);
  }

  /** Salt's {@code _get_desired_pkg}: "name=version" when a version was asked for. */
  String desired(String name) {
    String v = versions.get(name);
    return v == null || !sources.isEmpty() ? name : name + "=" + v;
  }

  boolean anyVersion() {
    return versions.values().stream().anyMatch(v -> v != null);
  }
}
