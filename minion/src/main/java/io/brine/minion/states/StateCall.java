package io.brine.minion.states;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /**
   * The arguments read as an execution function's keywords, so a misspelt or unknown one is
   * refused in Salt's words ("got an unexpected keyword argument").
   */
  public Arguments arguments(String state, Set<String> keywords) throws FunctionException {
    return Arguments.parse(
        new FunctionCall(List.of(), args, context.functions()), state, List.of(), keywords);
  }
}
