package io.brine.minion.states.service;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.SafeName;
import io.brine.minion.states.StateContext;
import java.util.List;
import java.util.Map;

/**
 * What the service states ask of systemd: service.status and service.start/stop/restart/
 * enable/disable as the minion's functions do them, and, for the two questions the minion has no
 * function for, {@code systemctl is-enabled} and {@code systemctl reload} through cmd.run_all (the
 * unit name checked and quoted). A function that cannot reach systemd (none running here) is a
 * failure with its one line, which the state reports as its comment.
 */
final class Units {
  private final StateContext context;
  private final String name;

  Units(StateContext context, String state, String name) throws FunctionException {
    this.context = context;
    this.name = SafeName.UNIT.check(state, "name", name);
  }

  String name() {
    return name;
  }

  /** service.status: whether the unit is active. */
  boolean running() throws FunctionException, InterruptedException {
    return answer(context.call("service.status", List.of(name), Map.of()));
  }

  /** {@code systemctl is-enabled}: exit 0 (Salt's systemd_service.enabled). */
  boolean enabled() throws FunctionException, InterruptedException {
    return systemctl("is-enabled");
  }

  /** service.start, stop, restart, enable or disable: True when systemctl succeeded. */
  boolean act(String action, Map<String, Object> kwargs)
      throws FunctionException, InterruptedException {
    return answer(context.call("service." + action, List.of(name), kwargs));
  }

  boolean reload() throws FunctionException, InterruptedException {
    return systemctl("reload");
  }

  private boolean systemctl(String verb) throws FunctionException, InterruptedException {
    String line = "systemctl " + verb + " -- '" + name + "'";
    FunctionOutput out = context.call("cmd.run_all", List.of(line), Map.of());
    if (out.retcode() == 0) {
      return true;
    }
    if (out.value() instanceof Map<?, ?> m && m.get("stderr") != null) {
      for (String l : String.valueOf(m.get("stderr")).split("\n")) {
        if (l.contains("has not been booted with systemd") || l.contains("Failed to connect")) {
          throw new FunctionException(OneLine.of(l.strip()));
        }
      }
    }
    return false;
  }

  /** A boolean answer, or the function's own line when it could not answer. */
  private static boolean answer(FunctionOutput out) throws FunctionException {
    if (out.value() instanceof Boolean b) {
      return b;
    }
    throw new FunctionException(String.valueOf(out.value()));
  }
}
