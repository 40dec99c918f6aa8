package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/** {@code test.ping}: true, the master's liveness probe. */
public final class TestPing implements MinionFunction {
  @Override
  public String name() {
    return "test.ping";
  }

  @Override
  public String doc() {
    return "Returns true: the minion is up and answering.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    return FunctionOutput.ok(true);
  }
}
