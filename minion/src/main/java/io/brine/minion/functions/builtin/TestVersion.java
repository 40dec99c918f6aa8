package io.brine.minion.functions.builtin;

import io.brine.minion.BrineVersion;
import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/** {@code test.version}: the minion's brine version. */
public final class TestVersion implements MinionFunction {
  @Override
  public String name() {
    return "test.version";
  }

  @Override
  public String doc() {
    return "Returns the brine version the minion runs.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    return FunctionOutput.ok(BrineVersion.get());
  }
}
