package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.JobControl;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.OneLine;
import java.util.List;
import java.util.Set;

/**
 * {@code saltutil.signal_job jid signal}: {@code kill_job} or {@code term_job} by signal, 9 or 15
 * (or SIGKILL, SIGTERM); a Java minion cannot send other signals, and says so.
 */
public final class SaltutilSignalJob implements MinionFunction {
  @Override
  public String name() {
    return "saltutil.signal_job";
  }

  @Override
  public String doc() {
    return "Sends a running job's processes a signal: 9 (SIGKILL) or 15 (SIGTERM).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("jid", "sig"), Set.of());
    String jid = a.requiredString("jid");
    Object sig = a.required("sig");
    JobControl.Signal signal =
        JobControl.Signal.parse(sig)
            .orElseThrow(
                () ->
                    new FunctionException(
                        name()
                            + ": 'sig' must be 9 (SIGKILL) or 15 (SIGTERM), not '"
                            + OneLine.of(String.valueOf(sig))
                            + "'"));
    return FunctionOutput.ok(SaltutilJobs.stop(name(), jid, signal));
  }
}
