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

/**
 * {@code status.meminfo}: /proc/meminfo as Salt's: each key to {"value": "16384", "unit": "kB"}
 * (strings, as Salt's; no unit where the kernel gives none).
 */
public final class StatusMeminfo implements MinionFunction {
  @Override
  public String name() {
    return "status.meminfo";
  }

  @Override
  public String doc() {
    return "Returns /proc/meminfo as {key: {value, unit}}.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments.parse(call, name(), List.of(), Set.of());
    Path file = Path.of("/proc/meminfo");
    String text;
    try {
      text = ProcFiles.read(file);
    } catch (IOException e) {
      return CommandError.of("cannot read " + file + ": " + e.getMessage());
    }
    return FunctionOutput.ok(parse(text));
  }

  static Map<String, Object> parse(String text) {
    Map<String, Object> ret = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String[] value = line.substring(colon + 1).strip().split("\\s+");
      if (value.length == 0 || value[0].isEmpty()) {
        continue;
      }
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("value", value[0]);
      if (value.length > 1) {
        entry.put("unit", value[1]);
      }
      ret.put(line.substring(0, colon).strip(), entry);
    }
    return ret;
  }
}
