package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cmd.run_all cmd [cwd] [env=..] [timeout=..]}: {@code {pid, retcode, stdout, stderr}},
 * Salt's shape; the job's retcode is the command's. Options in {@link ShellCommand}.
 */
public final class CmdRunAll implements MinionFunction {
  @Override
  public String name() {
    return "cmd.run_all";
  }

  @Override
  public String doc() {
    return "Runs a shell command; returns pid, retcode, stdout and stderr.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    ShellCommand.Result r = ShellCommand.run(ShellCommand.parse(call, name()));
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("pid", r.pid());
    ret.put("retcode", r.retcode());
    ret.put("stdout", r.stdout());
    ret.put("stderr", r.stderr());
    return new FunctionOutput(ret, r.retcode());
  }
}
