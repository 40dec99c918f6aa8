package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code grains.setval key val}: sets one grain in Salt's grains file ({@code <config
 * dir>/grains}), replaced atomically; the minion then sends its grains to the master again, so
 * grain targets see the new value. Returns Salt's {@code {key: val}}.
 */
public final class GrainsSetval implements MinionFunction {
  private final Grains grains;

  public GrainsSetval(Grains grains) {
    this.grains = grains;
  }

  @Override
  public String name() {
    return "grains.setval";
  }

  @Override
  public String doc() {
    return "Sets a grain in the minion's grains file and sends the grains to the master.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("key", "val"), Set.of());
    String key = a.requiredString("key");
    Object val = a.required("val");
    if (key.isEmpty()) {
      throw new FunctionException(name() + ": 'key' is empty");
    }
    try {
      grains.setval(key, val);
    } catch (IllegalArgumentException e) {
      throw new FunctionException(name() + ": " + e.getMessage());
    } catch (IOException e) {
      return new FunctionOutput("grains.setval: cannot write the grains file: " + e.getMessage(), 1);
    }
    return FunctionOutput.ok(Map.of(key, val));
  }
}
