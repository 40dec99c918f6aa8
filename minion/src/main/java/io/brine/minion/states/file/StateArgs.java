package io.brine.minion.states.file;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.builtin.file.Modes;
import io.brine.minion.states.StateCall;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A file state's arguments as the SLS gave them (plain JSON values). A wrong argument is an
 * {@link IllegalArgumentException} with the one line the state reports as its comment; the states
 * catch it and return result False, never an exception out of apply().
 */
final class StateArgs {
  private static final Pattern DIGITS = Pattern.compile("[0-7]{1,4}");

  private final String state;
  private final Map<String, Object> args;

  StateArgs(String state, StateCall call) {
    this.state = state;
    this.args = call.args();
  }

  /**
   * Refuses an argument Salt's state has and brine's does not do, rather than ignoring it: a state
   * that silently skipped {@code check_cmd} or {@code recurse} would report success for work it
   * never did.
   */
  void refuse(Set<String> unsupported) {
    for (String name : unsupported) {
      Object v = args.get(name);
      if (v != null && !Boolean.FALSE.equals(v)) {
        throw new IllegalArgumentException(
            state + ": '" + name + "' is not supported by brine's " + state);
      }
    }
  }

  boolean has(String name) {
    return args.get(name) != null;
  }

  Object raw(String name) {
    return args.get(name);
  }

  /** A string argument; numbers and booleans as Python's str() writes them. Null when absent. */
  String string(String name) {
    Object v = args.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new IllegalArgumentException(state + ": '" + name + "' must be a string");
    }
    return text(v);
  }

  static String text(Object v) {
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return String.valueOf(v);
  }

  boolean bool(String name, boolean absent) {
    Object v = args.get(name);
    if (v == null) {
      return absent;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    switch (String.valueOf(v).strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0", "":
        return false;
      default:
        throw new IllegalArgumentException(state + ": '" + name + "' must be True or False");
    }
  }

  int integer(String name, int absent) {
    Object v = args.get(name);
    if (v == null) {
      return absent;
    }
    try {
      double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
      if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(state + ": '" + name + "' must be a whole number");
    }
  }

  /** One string or a list of them; empty when absent. */
  List<String> strings(String name) {
    Object v = args.get(name);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (Object item : v instanceof List<?> l ? l : List.of(v)) {
      if (item instanceof Map<?, ?> m && m.size() == 1) {
        // Salt's source list also takes {source: source_hash}; the source is the key.
        item = m.keySet().iterator().next();
      }
      if (item == null || item instanceof Map || item instanceof List) {
        throw new IllegalArgumentException(state + ": '" + name + "' must be a string or a list"
            + " of strings");
      }
      out.add(text(item));
    }
    return out;
  }

  /**
   * An octal mode as Salt normalises it ({@code '0644'}, {@code 644}, {@code '644'}) shown as
   * "0644"; null when absent. An int is read for its digits, as Salt's normalize_mode reads it:
   * {@code mode: 644} is 0644.
   */
  String mode(String name) {
    Object v = args.get(name);
    if (v == null) {
      return null;
    }
    String given = v instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(v).strip();
    if (given.startsWith("0o")) {
      given = given.substring(2);
    }
    if (!DIGITS.matcher(given).matches()) {
      throw new IllegalArgumentException(
          state + ": '" + name + "' must be an octal mode like '0644', got " + v);
    }
    try {
      int mode = Integer.parseInt(given, 8);
      Modes.parse(state, given); // refuses setuid, setgid and sticky bits, which brine cannot set
      return String.format("%04o", mode);
    } catch (FunctionException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** Salt's name check for the file states: "Specified file x is not an absolute path". */
  static Path absolute(String name) {
    Path p;
    try {
      p = Path.of(name);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("Specified file " + name + " is not a valid path");
    }
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException("Specified file " + name + " is not an absolute path");
    }
    return p.normalize();
  }
}
