package io.brine.minion.states.service;

import io.brine.minion.functions.FunctionException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Salt's {@code _enable} and {@code _disable}: sets whether the service starts at boot, and words
 * the comment by what is known of it running ({@code started}: true running, false dead, null in
 * the desired state already).
 */
final class Boot {
  private Boot() {}

  static void set(Units unit, boolean enable, Boolean started, boolean result, boolean test,
      Ret ret) throws FunctionException, InterruptedException {
    String name = unit.name();
    String verb = enable ? "enabled" : "disabled";
    ret.result = result;
    boolean before = unit.enabled();
    if (before == enable) {
      if (started == null) {
        ret.changes = new LinkedHashMap<>();
      }
      ret.comment = "Service " + name + " is already " + verb + ", and " + state(started);
      return;
    }
    if (test) {
      ret.result = null;
      ret.comment = "Service " + name + " set to be " + verb;
      return;
    }
    if (unit.act(enable ? "enable" : "disable", Map.of())) {
      ret.changes = new LinkedHashMap<>();
      if (unit.enabled() != before) {
        ret.changes.put(name, true);
      }
      ret.comment = "Service " + name + " has been " + verb + ", and " + state(started);
      return;
    }
    ret.result = false;
    String what = enable ? "to start at boot" : "to not start at boot";
    ret.comment = "Failed when setting service " + name + " " + what + (started == null
        ? ", but the service was already running"
        : Boolean.TRUE.equals(started) ? ", but the service is running"
        : ", and the service is dead");
  }

  private static String state(Boolean started) {
    return started == null ? "is in the desired state"
        : started ? "is running" : "is dead";
  }
}
