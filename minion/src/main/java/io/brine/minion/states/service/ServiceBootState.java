package io.brine.minion.states.service;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.Set;

/**
 * {@code service.enabled} and {@code service.disabled}: whether the service starts at boot, its
 * running state left alone. Their watch is Salt's: "Unable to trigger watch".
 */
final class ServiceBootState implements StateFunction {
  private final boolean enable;
  private final StateFunction modWatch;

  ServiceBootState(boolean enable) {
    this.enable = enable;
    this.modWatch = new ServiceModWatch(enable ? "enabled" : "disabled", Set.of());
  }

  @Override
  public String name() {
    return enable ? "service.enabled" : "service.disabled";
  }

  @Override
  public StateFunction modWatch() {
    return modWatch;
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      ServiceStates.arguments(call, name(), Set.of());
      Units unit = new Units(call.context(), name(), call.name());
      Ret ret = new Ret();
      Boot.set(unit, enable, null, true, call.test(), ret);
      return ret.toResult();
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
