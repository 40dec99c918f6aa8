package io.brine.minion.states.service;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code service.running}: starts the service unless it is active, then with {@code enable}
 * sets it to start at boot (or not). The changes are Salt's {@code {name: True}} when the state
 * of the service changed. {@code reload: True} is for the watch: reload rather than restart.
 */
final class ServiceRunning implements StateFunction {
  static final Set<String> KEYWORDS =
      Set.of("enable", "reload", "no_block", "unmask", "unmask_runtime");

  private final StateFunction modWatch = new ServiceModWatch("running", KEYWORDS);

  @Override
  public String name() {
    return "service.running";
  }

  @Override
  public StateFunction modWatch() {
    return modWatch;
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      Arguments a = ServiceStates.arguments(call, name(), KEYWORDS);
      Boolean enable = ServiceStates.enable(a);
      Units unit = new Units(call.context(), name(), call.name());
      String name = unit.name();
      Ret ret = new Ret();
      boolean before = unit.running();
      if (before) {
        ret.comment = "The service " + name + " is already running";
        if (enable != null && unit.enabled() != enable) {
          Boot.set(unit, enable, null, true, call.test(), ret);
        }
        return ret.toResult();
      }
      if (call.test()) {
        return StateResult.wouldChange("Service " + name + " is set to start", Map.of());
      }
      boolean beforeEnabled = unit.enabled();
      Map<String, Object> kwargs = new LinkedHashMap<>();
      for (String option : new String[] {"no_block", "unmask", "unmask_runtime"}) {
        if (a.get(option).isPresent()) {
          kwargs.put(option, a.bool(option, false));
        }
      }
      if (!unit.act("start", kwargs)) {
        ret.result = false;
        ret.comment = "Service " + name + " failed to start";
        if (enable != null) {
          Boot.set(unit, enable, false, false, false, ret);
        }
        return ret.toResult();
      }
      boolean after = unit.running();
      if (beforeEnabled != unit.enabled() || before != after) {
        ret.changes.put(name, after);
      }
      if (after) {
        ret.comment = "Started service " + name;
      } else {
        ret.comment = "Service " + name + " failed to start";
        ret.result = false;
      }
      if (enable != null) {
        Boot.set(unit, enable, after, after, false, ret);
      }
      return ret.toResult();
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
