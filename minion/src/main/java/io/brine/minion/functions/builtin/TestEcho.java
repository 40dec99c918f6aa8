package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/** {@code test.echo text}: the text, as given. */
public final class TestEcho implements MinionFunction {
  @Override
  public String name() {
    return "test.echo";
  }

  @Override
  public String doc() {
    return "Returns the text it is given.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("text"), Set.of());
    return FunctionOutput.ok(a.required("text"));
  }
}
