package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/** {@code test.sleep seconds}: true after sleeping; seconds may be fractional ("0.5"). */
public final class TestSleep implements MinionFunction {
  @Override
  public String name() {
    return "test.sleep";
  }

  @Override
  public String doc() {
    return "Sleeps for the given number of seconds, then returns true.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("length"), Set.of());
    double seconds = a.requiredNumber("length");
    if (seconds < 0) {
      throw new FunctionException(name() + ": 'length' must not be negative");
    }
    Thread.sleep(Math.round(Math.min(seconds, Long.MAX_VALUE / 1000.0) * 1000));
    return FunctionOutput.ok(true);
  }
}
