package io.brine.minion.states.pkg;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.states.StateContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The calls the pkg states make of the pkg module, and what they share in reading the answers. */
final class Packages {
  private Packages() {}

  /** {@code pkg.list_pkgs versions_as_list=True}: name to its installed versions. */
  static Map<String, List<String>> installed(StateContext context)
      throws FunctionException, InterruptedException {
    FunctionOutput out =
        context.call("pkg.list_pkgs", List.of(), Map.of("versions_as_list", true));
    if (out.retcode() != 0 || !(out.value() instanceof Map<?, ?> map)) {
      throw new FunctionException(String.valueOf(out.value()));
    }
    Map<String, List<String>> installed = new TreeMap<>();
    map.forEach((name, versions) -> {
      List<String> list = new ArrayList<>();
      if (versions instanceof List<?> l) {
        l.forEach(v -> list.add(String.valueOf(v)));
      } else {
        list.add(String.valueOf(versions));
      }
      installed.put(String.valueOf(name), list);
    });
    return installed;
  }

  /** Salt's {name: {"old", "new"}} between two listings, for when the module's own is lost. */
  static Map<String, Object> diff(Map<String, List<String>> before,
      Map<String, List<String>> after) {
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    Map<String, Object> changes = new LinkedHashMap<>();
    for (String n : names) {
      String old = String.join(",", before.getOrDefault(n, List.of()));
      String now = String.join(",", after.getOrDefault(n, List.of()));
      if (!old.equals(now)) {
        changes.put(n, Map.of("old", old, "new", now));
      }
    }
    return changes;
  }

  /**
   * The one line of a pkg function's failure: the errors part of Salt's "Problem encountered"
   * text, or the whole text on one line.
   */
  static String error(FunctionOutput out) {
    String text = String.valueOf(out.value());
    int errors = text.indexOf("errors:\n");
    if (errors >= 0) {
      text = text.substring(errors + "errors:\n".length()).strip();
      if (text.startsWith("- ")) {
        text = text.substring(2);
      }
    }
    return OneLine.of(text.strip());
  }

  /** The module's changes map, or the diff of the listings when it gave none. */
  static Map<String, Object> changes(FunctionOutput out, Map<String, List<String>> before,
      Map<String, List<String>> after) {
    if (out.retcode() == 0 && out.value() instanceof Map<?, ?> m) {
      Map<String, Object> changes = new LinkedHashMap<>();
      m.forEach((k, v) -> changes.put(String.valueOf(k), v));
      return changes;
    }
    return diff(before, after);
  }
}
