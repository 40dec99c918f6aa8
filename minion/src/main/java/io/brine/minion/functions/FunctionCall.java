package io.brine.minion.functions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of one call, as plain JSON values (String, Number, Boolean, null, List, Map), the
 * shapes Jackson's {@code convertValue(node, Object.class)} gives. Salt's CLI passes everything as
 * strings, so functions accept "5" where they want a number: {@link Arguments} does the reading.
 *
 * <p>Null lists and maps become empty ones; both are copied and unmodifiable (JSON null elements
 * are kept).
 */
public record FunctionCall(List<Object> args, Map<String, Object> kwargs, FunctionContext context) {
  public FunctionCall {
    args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
    kwargs = kwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    Objects.requireNonNull(context, "context");
  }
}
