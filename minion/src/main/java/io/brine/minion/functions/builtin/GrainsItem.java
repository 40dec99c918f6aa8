package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code grains.item key...}: Salt's shape, {@code {key: value, ...}}, each key a path into nested
 * grains ({@code locale_info:defaultlanguage}, {@code delimiter} changes the ':'), a missing one
 * {@code default} ("" as in Salt).
 */
public final class GrainsItem implements MinionFunction {
  private final Grains grains;

  public GrainsItem(Grains grains) {
    this.grains = grains;
  }

  @Override
  public String name() {
    return "grains.item";
  }

  @Override
  public String doc() {
    return "Returns the named grains as {grain: value} (a:b for nested ones).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parseVarargs(call, name(), Set.of("default", "delimiter"));
    Object absent = a.get("default").orElse("");
    String delimiter = a.optionalString("delimiter").orElse(":");
    if (delimiter.isEmpty()) {
      throw new FunctionException(name() + ": 'delimiter' is empty");
    }
    Map<String, Object> all = grains.items(call.context().minionId());
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object key : a.rest()) {
      if (!(key instanceof String) && !(key instanceof Number)) {
        throw new FunctionException(name() + ": each grain name must be a string");
      }
      String name = key.toString();
      Object at = GrainsGet.traverse(all, name, delimiter);
      out.put(name, at == null ? absent : at);
    }
    return FunctionOutput.ok(out);
  }
}
