package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code test.arg [args...] [key=value...]}: Salt's {"args": [...], "kwargs": {...}}, the arguments
 * as they arrived, Salt's internal "__" keywords left out as its clean_kwargs does.
 */
public final class TestArg implements MinionFunction {
  @Override
  public String name() {
    return "test.arg";
  }

  @Override
  public String doc() {
    return "Returns the arguments it was given as {args, kwargs}, to see how they arrive.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    call.kwargs()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("__")) {
                kwargs.put(k, v);
              }
            });
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("args", new ArrayList<>(call.args()));
    ret.put("kwargs", kwargs);
    return FunctionOutput.ok(ret);
  }
}
