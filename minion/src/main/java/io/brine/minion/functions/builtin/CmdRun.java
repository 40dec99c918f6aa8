package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;

/**
 * {@code cmd.run cmd [cwd] [env=..] [timeout=..]}: stdout, then stderr on the next line when there
 * is any; retcode is the exit status (124 on timeout). Options in {@link ShellCommand}.
 */
public final class CmdRun implements MinionFunction {
  @Override
  public String name() {
    return "cmd.run";
  }

  @Override
  public String doc() {
    return "Runs a shell command; returns its output, stdout then stderr.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    ShellCommand.Result r = ShellCommand.run(ShellCommand.parse(call, name()));
    return new FunctionOutput(r.combined(), r.retcode());
  }
}
