package io.brine.minion.states;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One state to apply, after rendering and requisite ordering.
 *
 * @param id the SLS id declaration ("nginx-conf")
 * @param name the {@code name} argument, the id when none is given ("/etc/nginx/nginx.conf")
 * @param args the state's arguments other than name and the requisites, as plain JSON values
 *     (String, Number, Boolean, null, List, Map)
 * @param test {@code test=True}: report what would change, change nothing
 * @param context what the state may use of the minion
 */
public record StateCall(
    String id, String name, Map<String, Object> args, boolean test, StateContext context) {
  public StateCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    args = args == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
    Objects.requireNonNull(context, "context");
  }
}
