package io.brine.minion.states.service;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code service.mod_watch}, for a state {@code sfun}: a running service is restarted (or
 * reloaded with {@code reload: True}), a stopped one started (stopped first, as Salt's does); for
 * dead, a running service is stopped. The changes are {@code {name: True}}, the comment "Service
 * restarted".
 */
final class ServiceModWatch implements StateFunction {
  private final String sfun;
  private final Set<String> keywords;

  ServiceModWatch(String sfun, Set<String> keywords) {
    this.sfun = sfun;
    this.keywords = keywords;
  }

  @Override
  public String name() {
    return "service.mod_watch";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    if (!sfun.equals("running") && !sfun.equals("dead")) {
      return StateResult.failed("Unable to trigger watch for service." + sfun);
    }
    try {
      Arguments a = ServiceStates.arguments(call, "service." + sfun, keywords);
      Units unit = new Units(call.context(), "service." + sfun, call.name());
      boolean running = unit.running();
      String verb;
      if (sfun.equals("dead")) {
        if (!running) {
          return StateResult.ok("Service is already stopped");
        }
        verb = "stop";
      } else if (running) {
        verb = a.bool("reload", false) ? "reload" : "restart";
      } else {
        verb = "start";
      }
      String done = verb.equals("stop") ? "stopped" : verb + "ed";
      if (call.test()) {
        return StateResult.wouldChange("Service is set to be " + done, Map.of());
      }
      if (verb.equals("start")) {
        unit.act("stop", Map.of());
      }
      boolean ok = verb.equals("reload") ? unit.reload() : unit.act(verb, Map.of());
      return new StateResult(ok, ok ? "Service " + done : "Failed to " + verb + " the service",
          Map.of(unit.name(), ok));
    } catch (FunctionException e) {
      return StateResult.failed(e.getMessage());
    }
  }
}
