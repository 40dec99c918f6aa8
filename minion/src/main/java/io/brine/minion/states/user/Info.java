package io.brine.minion.states.user;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** user.info and group.info as the states read them: an empty map for an account not there. */
final class Info {
  private Info() {}

  static Map<String, Object> user(StateContext context, String name)
      throws FunctionException, InterruptedException {
    return of(context.call("user.info", List.of(name), Map.of()));
  }

  static Map<String, Object> group(StateContext context, String name)
      throws FunctionException, InterruptedException {
    return of(context.call("group.info", List.of(name), Map.of()));
  }

  private static Map<String, Object> of(FunctionOutput out) throws FunctionException {
    if (out.retcode() != 0 || !(out.value() instanceof Map<?, ?> m)) {
      throw new FunctionException(String.valueOf(out.value()));
    }
    Map<String, Object> info = new LinkedHashMap<>();
    m.forEach((k, v) -> info.put(String.valueOf(k), v));
    return info;
  }

  static long number(Map<String, Object> info, String key) {
    return ((Number) info.get(key)).longValue();
  }

  @SuppressWarnings("unchecked")
  static List<String> names(Map<String, Object> info, String key) {
    Object v = info.get(key);
    return v instanceof List<?> l ? (List<String>) l : List.of();
  }
}
