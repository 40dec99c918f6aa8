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
 * {@code service.dead}: stops the service if it is active, then with {@code enable} sets it to
 * start at boot (or not), as Salt's.
 */
final class ServiceDead implements StateFunction {
  static final Set<String> KEYWORDS = Set.of("enable", "no_block");

  private final StateFunction modWatch = new ServiceModWatch("dead", KEYWORDS);

  @Override
  public String name() {
    return "service.dead";
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
      if (!before) {
        ret.comment = "The service " + name + " is already dead";
        if (enable != null && unit.enabled() != enable) {
          Boot.set(unit, enable, null, true, call.test(), ret);
        }
        return ret.toResult();
      }
      if (call.test()) {
        return StateResult.wouldChange("Service " + name + " is set to be killed", Map.of());
      }
      boolean beforeEnabled = unit.enabled();
      Map<String, Object> kwargs = new LinkedHashMap<>();
      if (a.get("no_block").isPresent()) {
        kwargs.put("no_block", a.bool("no_block", false));
      }
      if (!unit.act("stop", kwargs)) {
        ret.result = false;
        ret.comment = "Service " + name + " failed to die";
        if (enable != null) {
          Boot.set(unit, enable, true, false, false, ret);
        }
        return ret.toResult();
      }
      boolean after = unit.running();
      if (beforeEnabled != unit.enabled() || before != after) {
        ret.changes.put(name, after);
      }
      if (after) {
        ret.result = false;
        ret.comment = "Service " + name + " failed to die";
      } else {
        ret.comment = "Service " + name + " was killed";
      }
      if (enable != null) {
        Boot.set(unit, enable, after, !after, false, ret);
      }
      return ret.toResult();
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
