package io.brine.minion.states.service;

import io.brine.minion.states.StateResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service state's return while it is being made, as Salt's {@code ret} dict: the start or stop
 * sets it, and enabling or disabling at boot afterwards updates what it sets.
 */
final class Ret {
  Boolean result = true;
  String comment = "";
  Map<String, Object> changes = new LinkedHashMap<>();

  StateResult toResult() {
    return new StateResult(result, comment, changes);
  }
}
