package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code grains.get key [default]}: one grain, or default ("" as in Salt) when it is not there. A
 * key "a:b:0" walks nested maps by name and lists by index, as Salt's traverse does; {@code
 * delimiter} changes the ':'.
 */
public final class GrainsGet implements MinionFunction {
  private final Grains grains;

  public GrainsGet(Grains grains) {
    this.grains = grains;
  }

  @Override
  public String name() {
    return "grains.get";
  }

  @Override
  public String doc() {
    return "Returns one grain by key (a:b for nested ones), or the default.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("key", "default"), Set.of("delimiter"));
    String key = a.requiredString("key");
    Object absent = a.get("default").orElse("");
    String delimiter = a.optionalString("delimiter").orElse(":");
    if (delimiter.isEmpty()) {
      throw new FunctionException(name() + ": 'delimiter' is empty");
    }
    Object at = traverse(grains.items(call.context().minionId()), key, delimiter);
    return FunctionOutput.ok(at == null ? absent : at);
  }

  /** The value at {@code key} (a path by {@code delimiter}), or null when there is none. */
  public static Object traverse(Map<String, Object> grains, String key, String delimiter) {
    Object at = grains;
    for (String part : key.split(java.util.regex.Pattern.quote(delimiter), -1)) {
      at = child(at, part);
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  private static Object child(Object at, String part) {
    if (at instanceof Map) {
      return ((Map<?, ?>) at).get(part);
    }
    if (at instanceof List) {
      List<?> list = (List<?>) at;
      try {
        int i = Integer.parseInt(part);
        return i >= 0 && i < list.size() ? list.get(i) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
