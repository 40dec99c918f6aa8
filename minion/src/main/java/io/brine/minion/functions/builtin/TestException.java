package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/**
 * {@code test.exception [message="Test Exception"]}: raises, so an operator sees how a function
 * that fails is reported: the job fails (retcode 1) with one line, "test.exception failed:
 * RuntimeException: message", and no stack trace reaches the master.
 */
public final class TestException implements MinionFunction {
  @Override
  public String name() {
    return "test.exception";
  }

  @Override
  public String doc() {
    return "Raises an exception with the given message, to test how failures are reported.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("message"), Set.of());
    throw new RuntimeException(a.optionalString("message").orElse("Test Exception"));
  }
}
