package io.brine.minion.states.cmd;

import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.Map;

/**
 * {@code cmd.wait}: nothing by itself; its {@code mod_watch} runs the command as cmd.run does when
 * a state it watches changed (Salt's older form of {@code cmd.run} with {@code onchanges}).
 */
final class CmdWaitState implements StateFunction {
  private final CmdRunState run = new CmdRunState();

  @Override
  public String name() {
    return "cmd.wait";
  }

  @Override
  public StateFunction modWatch() {
    return run;
  }

  @Override
  public StateResult apply(StateCall call) {
    return new StateResult(true, "", Map.of());
  }
}
