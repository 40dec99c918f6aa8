package io.brine.minion.states;

import io.brine.minion.functions.OneLine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Salt's requisites: what a state waits for and what it reacts to. A reference names a state by
 * its module and id or name ({@code - pkg: nginx}), every state of an SLS ({@code - sls: web}), or
 * any state by id or name ({@code - nginx}). The {@code _in} forms are the same edge declared from
 * the other end, and are turned around before the run.
 */
final class Requisites {
  enum Kind {
    REQUIRE,
    WATCH,
    ONCHANGES,
    ONFAIL,
    PREREQ;

    String argName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A reference to other states: module null for a bare id or name; "sls" for an SLS. */
  record Ref(String module, String value) {
    @Override
    public String toString() {
      return module == null ? value : module + ": " + value;
    }
  }

  /** The argument names the engine takes out of a state's arguments: requisites of all forms. */
  static final List<String> ARGUMENT_NAMES = argumentNames();

  private final Map<Kind, List<Ref>> refs = new EnumMap<>(Kind.class);
  private final Map<Kind, List<Ref>> inRefs = new EnumMap<>(Kind.class);

  /**
   * The requisites among {@code args}, which loses them.
   *
   * @param errors where a requisite of the wrong shape is told, in Salt's words
   */
  static Requisites take(Map<String, Object> args, String id, String sls, List<String> errors) {
    Requisites r = new Requisites();
    for (String name : ARGUMENT_NAMES) {
      if (!args.containsKey(name)) {
        continue;
      }
      Object value = args.remove(name);
      String base = name.replaceFirst("_in$", "").replaceFirst("_any$", "");
      Kind kind = Kind.valueOf(base.toUpperCase(Locale.ROOT));
      Map<Kind, List<Ref>> into = name.endsWith("_in") ? r.inRefs : r.refs;
      List<Ref> list = into.computeIfAbsent(kind, k -> new ArrayList<>());
      if (value instanceof String || value instanceof Map<?, ?>) {
        value = List.of(value);
      }
      if (!(value instanceof List<?> items)) {
        errors.add("The " + name + " statement in state '" + OneLine.of(id) + "' in SLS '" + sls
            + "' needs to be formed as a list");
        continue;
      }
      for (Object item : items) {
        if (item instanceof String s) {
          list.add(new Ref(null, s));
        } else if (item instanceof Map<?, ?> map) {
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
              errors.add("Illegal requisite \"" + name + "\" in state '" + OneLine.of(id)
                  + "' in SLS '" + sls + "': a reference names one state");
              continue;
            }
            list.add(new Ref(String.valueOf(e.getKey()), String.valueOf(e.getValue())));
          }
        } else {
          errors.add("Illegal requisite \"" + name + "\" in state '" + OneLine.of(id)
              + "' in SLS '" + sls + "', is SLS " + sls + " a valid state file?");
        }
      }
    }
    for (String unsupported : List.of("listen", "listen_in", "use", "use_in", "require_any",
        "watch_any", "prereq_any", "onfail_all")) {
      if (args.remove(unsupported) != null) {
        errors.add("The requisite '" + unsupported + "' in state '" + OneLine.of(id)
            + "' in SLS '" + sls + "' is not supported by brine");
      }
    }
    return r;
  }

  Map<Kind, List<Ref>> refs() {
    return refs;
  }

  Map<Kind, List<Ref>> inRefs() {
    return inRefs;
  }

  private static List<String> argumentNames() {
    List<String> names = new ArrayList<>();
    for (Kind k : Kind.values()) {
      names.add(k.argName());
      names.add(k.argName() + "_in");
    }
    names.add("onchanges_any");
    names.add("onfail_any");
    return List.copyOf(names);
  }
}
