package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code status.loadavg}: Salt's {"1-min", "5-min", "15-min"} from /proc/loadavg. */
public final class StatusLoadavg implements MinionFunction {
  @Override
  public String name() {
    return "status.loadavg";
  }

  @Override
  public String doc() {
    return "Returns the load averages as {1-min, 5-min, 15-min}.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    Path file = Path.of("/proc/loadavg");
    try {
      String[] f = ProcFiles.read(file).strip().split("\\s+");
      Map<String, Object> ret = new LinkedHashMap<>();
      ret.put("1-min", Double.parseDouble(f[0]));
      ret.put("5-min", Double.parseDouble(f[1]));
      ret.put("15-min", Double.parseDouble(f[2]));
      return FunctionOutput.ok(ret);
    } catch (IOException | RuntimeException e) {
      return CommandError.of("cannot read the load averages from " + file + ": " + e.getMessage());
    }
  }
}
