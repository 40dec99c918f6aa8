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
 * {@code saltutil.kill_job jid}: stops the job (it returns at once with a failure) and kills its
 * processes with their descendants. Salt's answer: "Signal 9 sent to job JID at pid PID", or "" when
 * no such job runs here.
 */
public final class SaltutilKillJob implements MinionFunction {
  @Override
  public String name() {
    return "saltutil.kill_job";
  }

  @Override
  public String doc() {
    return "Stops a running job and kills its processes (SIGKILL).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    String jid = Arguments.parse(call, name(), List.of("jid"), Set.of()).requiredString("jid");
    return FunctionOutput.ok(SaltutilJobs.stop(name(), jid, JobControl.Signal.KILL));
  }
}
