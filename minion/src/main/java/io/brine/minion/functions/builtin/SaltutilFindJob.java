package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code saltutil.find_job jid}: the job's data while it runs here, else {} (Salt's answer). */
public final class SaltutilFindJob implements MinionFunction {
  @Override
  public String name() {
    return "saltutil.find_job";
  }

  @Override
  public String doc() {
    return "Returns the data of a job running on the minion, or {} when it runs no such job.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    String jid = Arguments.parse(call, name(), List.of("jid"), Set.of()).requiredString("jid");
    for (Map<String, Object> job : SaltutilJobs.control(name()).running()) {
      if (jid.equals(job.get("jid"))) {
        return FunctionOutput.ok(job);
      }
    }
    return FunctionOutput.ok(Map.of());
  }
}
