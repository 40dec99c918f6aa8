package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/** {@code grains.items}: every grain (see {@link Grains}). */
public final class GrainsItems implements MinionFunction {
  private final Grains grains;

  public GrainsItems(Grains grains) {
    this.grains = grains;
  }

  @Override
  public String name() {
    return "grains.items";
  }

  @Override
  public String doc() {
    return "Returns all the minion's grains.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    return FunctionOutput.ok(grains.items(call.context().minionId()));
  }
}
