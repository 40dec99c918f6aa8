package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;

/**
 * {@code cmd.retcode cmd [cwd] [env=..] [timeout=..]}: the exit status alone. As in Salt, the value
 * is the status and the job's retcode stays 0: the command ran, whatever it answered. A timeout is
 * the exception: value and retcode 124.
 */
public final class CmdRetcode implements MinionFunction {
  @Override
  public String name() {
    return "cmd.retcode";
  }

  @Override
  public String doc() {
    return "Runs a shell command; returns its exit status.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    ShellCommand.Result r = ShellCommand.run(ShellCommand.parse(call, name()));
    // A timeout is the job's failure, not an answer of the command's.
    return new FunctionOutput(r.retcode(), r.timedOut().isPresent() ? r.retcode() : 0);
  }
}
