package io.brine.minion.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A call's arguments read against a function's parameters, with Python's rules as Salt's functions
 * have them: a positional parameter may also be given by name, keyword-only ones by name only; too
 * many positional arguments, a name given twice or an unknown name is a {@link FunctionException}.
 * Keywords starting with "__" are Salt's internal ones ({@code __pub_jid} and so on) and ignored.
 *
 * <p>Conversions accept the strings Salt's CLI sends: "5" and "0.5" for numbers, "true" and "false"
 * for booleans.
 */
public final class Arguments {
  private final String function;
  private final Map<String, Object> values;
  private final List<Object> rest;

  private Arguments(String function, Map<String, Object> values, List<Object> rest) {
    this.function = function;
    this.values = values;
    this.rest = rest;
  }

  /** For {@code f(positional..., *, keywordOnly...)}. */
  public static Arguments parse(
      FunctionCall call, String function, List<String> positional, Set<String> keywordOnly)
      throws FunctionException {
    if (call.args().size() > positional.size()) {
      throw new FunctionException(
          function
              + (positional.isEmpty()
                  ? " takes no positional arguments"
                  : " takes at most "
                      + positional.size()
                      + " positional argument"
                      + (positional.size() == 1 ? "" : "s")
                      + " ("
                      + String.join(", ", positional)
                      + ")")
              + ", "
              + call.args().size()
              + " given");
    }
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < call.args().size(); i++) {
      values.put(positional.get(i), call.args().get(i));
    }
    readKeywords(call, function, positional, keywordOnly, values);
    return new Arguments(function, values, List.of());
  }

  /** For {@code f(*args, keywordOnly...)}: every positional argument goes to {@link #rest()}. */
  public static Arguments parseVarargs(FunctionCall call, String function, Set<String> keywordOnly)
      throws FunctionException {
    Map<String, Object> values = new HashMap<>();
    readKeywords(call, function, List.of(), keywordOnly, values);
    return new Arguments(function, values, call.args());
  }

  private static void readKeywords(
      FunctionCall call,
      String function,
      List<String> positional,
      Set<String> keywordOnly,
      Map<String, Object> values)
      throws FunctionException {
    for (Map.Entry<String, Object> e : call.kwargs().entrySet()) {
      String name = e.getKey();
      if (name.startsWith("__")) {
        continue;
      }
      if (!positional.contains(name) && !keywordOnly.contains(name)) {
        throw new FunctionException(
            function + " got an unexpected keyword argument '" + OneLine.of(name) + "'");
      }
      if (values.containsKey(name)) {
        throw new FunctionException(function + " got multiple values for argument '" + name + "'");
      }
      values.put(name, e.getValue());
    }
  }

  /** The value given for a parameter; empty when not given (a JSON null counts as not given). */
  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The positional arguments of a varargs function. */
  public List<Object> rest() {
    return new ArrayList<>(rest);
  }

  public Object required(String name) throws FunctionException {
    Object v = values.get(name);
    if (v == null) {
      throw new FunctionException(function + " is missing the required argument '" + name + "'");
    }
    return v;
  }

  /** A string; numbers and booleans are turned into their text, as Salt's CLI would send them. */
  public String requiredString(String name) throws FunctionException {
    return string(name, required(name));
  }

  public Optional<String> optionalString(String name) throws FunctionException {
    Optional<Object> v = get(name);
    return v.isPresent() ? Optional.of(string(name, v.get())) : Optional.empty();
  }

  public double requiredNumber(String name) throws FunctionException {
    return number(name, required(name));
  }

  public Optional<Double> optionalNumber(String name) throws FunctionException {
    Optional<Object> v = get(name);
    return v.isPresent() ? Optional.of(number(name, v.get())) : Optional.empty();
  }

  public boolean bool(String name, boolean absent) throws FunctionException {
    Object v = values.get(name);
    if (v == null) {
      return absent;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof String) {
      String s = ((String) v).strip().toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
    }
    throw new FunctionException(
        function + ": '" + name + "' must be true or false, got " + shortly(v));
  }

  private String string(String name, Object v) throws FunctionException {
    if (v instanceof String) {
      return (String) v;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new FunctionException(
        function + ": '" + name + "' must be a string, got a " + typeName(v));
  }

  private double number(String name, Object v) throws FunctionException {
    double d;
    if (v instanceof Number) {
      d = ((Number) v).doubleValue();
    } else if (v instanceof String) {
      try {
        d = Double.parseDouble(((String) v).strip());
      } catch (NumberFormatException e) {
        throw new FunctionException(
            function + ": '" + name + "' must be a number, got " + shortly(v));
      }
    } else {
      throw new FunctionException(
          function + ": '" + name + "' must be a number, got a " + typeName(v));
    }
    if (!Double.isFinite(d)) {
      throw new FunctionException(function + ": '" + name + "' must be a finite number");
    }
    return d;
  }

  /**
   * A short quote of a value that failed a number or boolean conversion: such a value is not meant
   * to be a secret, and at most 40 characters of it are shown.
   */
  private static String shortly(Object v) {
    String s = OneLine.of(String.valueOf(v));
    return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
  }

  private static String typeName(Object v) {
    if (v instanceof Map) {
      return "map";
    }
    if (v instanceof List) {
      return "list";
    }
    return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
