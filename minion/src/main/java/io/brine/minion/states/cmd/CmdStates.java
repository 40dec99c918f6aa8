package io.brine.minion.states.cmd;

import io.brine.minion.states.StateFunction;
import java.util.List;

/**
 * Salt's {@code cmd} states: {@code cmd.run} and {@code cmd.script} run a command through the
 * minion's {@code cmd.run_all} and {@code cmd.script}; {@code cmd.wait} runs only when a watched
 * state changed. Every one of them has Salt's {@code mod_watch}, which runs the command.
 *
 * <p>onlyif, unless and creates are the engine's: by the time a cmd state is called, they passed.
 */
public final class CmdStates {
  private CmdStates() {}

  public static List<StateFunction> all() {
    return List.of(new CmdRunState(), new CmdWaitState(), new CmdScriptState());
  }

}
