package io.brine.minion.states.cmd;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cmd.script}: fetches {@code source} (the name when none is given) from the master and
 * runs it through the minion's {@code cmd.script}, with {@code args} (or the words after the first
 * of the name, as Salt takes them), {@code cwd}, {@code env}, {@code shell} and {@code timeout}.
 * Changes and result as {@code cmd.run}; a script the master does not have is Salt's "Unable to
 * cache script". {@code runas} is refused by cmd.script itself.
 */
final class CmdScriptState implements StateFunction {
  private static final Set<String> KEYWORDS =
      Set.of("source", "args", "cwd", "env", "runas", "shell", "timeout", "stateful");

  @Override
  public String name() {
    return "cmd.script";
  }

  @Override
  public StateFunction modWatch() {
    return this;
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = call.arguments(name(), KEYWORDS);
      boolean stateful = a.bool("stateful", false);
      String name = call.name();
      String source = a.optionalString("source").orElse(name.split(" ", 2)[0]);
      Optional<Object> args = a.get("args");
      if (args.isEmpty() && a.optionalString("source").isEmpty() && name.contains(" ")) {
        args = Optional.of(name.split(" ", 2)[1]);
      }
      if (call.test()) {
        return StateResult.wouldChange(
            "Command '" + name + "' would have been executed", Map.of());
      }
      Optional<StateResult> unusable = CmdRunState.checkCwdAndUser(call, a);
      if (unusable.isPresent()) {
        return unusable.get();
      }
      Map<String, Object> kwargs = new LinkedHashMap<>();
      args.ifPresent(v -> kwargs.put("args", v));
      for (String option : List.of("cwd", "env", "runas", "shell", "timeout")) {
        a.get(option).ifPresent(v -> kwargs.put(option, v));
      }
      FunctionOutput out = call.context().call("cmd.script", List.of(source), kwargs);
      StateResult ran = CmdRunState.ranResult(out, "Command '" + name + "' run");
      if (Boolean.TRUE.equals(ran.changes().get("cache_error"))) {
        return new StateResult(false,
            "Unable to cache script " + source + " from saltenv 'base'", ran.changes());
      }
      return stateful ? Stateful.reinterpret(ran) : ran;
    } catch (FunctionException | IllegalArgumentException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
