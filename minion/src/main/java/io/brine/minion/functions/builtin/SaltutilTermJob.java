package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.JobControl;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Set;

/**
 * {@code saltutil.term_job jid}: stops the job (it returns at once with a failure) and sends its
 * processes SIGTERM; what is still running when the function returns is killed.
 */
public final class SaltutilTermJob implements MinionFunction {
  @Override
  public String name() {
    return "saltutil.term_job";
  }

  @Override
  public String doc() {
    return "Stops a running job and sends its processes SIGTERM.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    String jid = Arguments.parse(call, name(), List.of("jid"), Set.of()).requiredString("jid");
    return FunctionOutput.ok(SaltutilJobs.stop(name(), jid, JobControl.Signal.TERM));
  }
}
