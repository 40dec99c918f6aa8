package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/**
 * {@code saltutil.running}: the jobs running on this minion now, this one excepted, as Salt lists
 * them (jid, fun, arg, pid, tgt, tgt_type).
 */
public final class SaltutilRunning implements MinionFunction {
  @Override
  public String name() {
    return "saltutil.running";
  }

  @Override
  public String doc() {
    return "Returns the data of the jobs running on the minion now.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    return FunctionOutput.ok(SaltutilJobs.control(name()).running());
  }
}
