package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code disk.usage [args]}: Salt's {mount: {filesystem, 1K-blocks, used, available, capacity}},
 * the columns of {@code df -P} as strings, as Salt parses them; {@code args} adds df flags (letters
 * only, as Salt's _clean_flags). df runs for at most 10 s: a hung network mount must not hold the
 * job, and the mounts df listed until then are returned.
 */
public final class DiskUsage implements MinionFunction {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "disk.usage";
  }

  @Override
  public String doc() {
    return "Returns the usage of each mounted filesystem, from df -P: {mount: {filesystem, ...}}.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("args"), Set.of());
    String flags = a.optionalString("args").orElse("").replace("-", "");
    if (!flags.matches("[a-zA-Z]{0,16}")) {
      throw new FunctionException(name() + ": invalid flag passed to disk.usage (letters only)");
    }
    String cmd = "df -P" + (flags.isEmpty() ? "" : " -" + flags);
    ShellCommand.Result r =
        ShellCommand.run(
            new ShellCommand.Options(cmd, Path.of("/"), Map.of(), Optional.of(TIMEOUT)), 1 << 20);
    Map<String, Object> ret = parse(r.stdout());
    if (ret.isEmpty() && r.retcode() != 0) {
      return CommandError.of(
          cmd + " failed: " + (r.stderr().isEmpty() ? "exit " + r.retcode() : r.stderr()));
    }
    return FunctionOutput.ok(ret);
  }

  /** Salt's parsing: a name with spaces is glued back, a line wrapped after the name joined. */
  static Map<String, Object> parse(String out) {
    Map<String, Object> ret = new LinkedHashMap<>();
    String previous = null;
    for (String line : out.split("\n")) {
      if (line.isBlank() || line.startsWith("Filesystem")) {
        continue;
      }
      if (previous != null) {
        line = previous + " " + line;
      }
      List<String> comps = new ArrayList<>(Arrays.asList(line.strip().split("\\s+")));
      if (comps.size() == 1) {
        previous = line;
        continue;
      }
      previous = null;
      while (comps.size() >= 2 && !comps.get(1).matches("[0-9]+")) {
        comps.set(0, comps.get(0) + " " + comps.remove(1));
      }
      if (comps.size() < 6) {
        continue;
      }
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("filesystem", comps.get(0));
      entry.put("1K-blocks", comps.get(1));
      entry.put("used", comps.get(2));
      entry.put("available", comps.get(3));
      entry.put("capacity", comps.get(4));
      ret.put(String.join(" ", comps.subList(5, comps.size())), entry);
    }
    return ret;
  }
}
