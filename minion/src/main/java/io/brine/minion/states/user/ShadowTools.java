package io.brine.minion.states.user;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.SafeName;
import io.brine.minion.states.StateContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shadow-utils lines the account states run through {@code cmd.run_all}: each word quoted for
 * /bin/sh, every name checked first as user.add checks it, and "--" before the account name so
 * that nothing is read as an option. A failure is the tool's first error line.
 */
final class ShadowTools {
  private ShadowTools() {}

  static String account(String state, String argument, String name) throws FunctionException {
    return SafeName.ACCOUNT.check(state, argument, name);
  }

  /** An absolute path for a passwd field: no ':' and no control characters (as user.add). */
  static String path(String state, String argument, String value) throws FunctionException {
    if (!value.startsWith("/") || !value.matches("[^:\\p{Cntrl}]+")) {
      throw new FunctionException(
          state + ": '" + argument + "' must be an absolute path without ':', got " + value);
    }
    return value;
  }

  /** Runs the tool; a one-line failure naming it when it exits non-zero. */
  static void run(StateContext context, List<String> argv)
      throws FunctionException, InterruptedException {
    String line = argv.stream().map(ShadowTools::quote).collect(Collectors.joining(" "));
    FunctionOutput out = context.call("cmd.run_all", List.of(line), Map.of());
    if (out.retcode() != 0) {
      String stderr = out.value() instanceof Map<?, ?> m && m.get("stderr") != null
          ? String.valueOf(m.get("stderr")).strip() : "";
      String first = stderr.isEmpty() ? "exit status " + out.retcode() : stderr.split("\n")[0];
      throw new FunctionException(argv.get(0) + " failed: " + OneLine.of(first));
    }
  }

  /** The name of the group with that gid ({@code getent group GID}), if there is one. */
  static Optional<String> groupOfGid(StateContext context, long gid)
      throws FunctionException, InterruptedException {
    FunctionOutput out =
        context.call("cmd.run_all", List.of("getent group " + gid), Map.of());
    if (out.retcode() != 0 || !(out.value() instanceof Map<?, ?> m)) {
      return Optional.empty();
    }
    String line = String.valueOf(m.get("stdout"));
    int colon = line.indexOf(':');
    return colon > 0 ? Optional.of(line.substring(0, colon)) : Optional.empty();
  }

  /** One shell word: single quotes, each ' inside written as '\''. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** A list argument: a YAML list, or "a,b" as Salt's CLI gives it. */
  static List<String> names(String state, String argument, Object value)
      throws FunctionException {
    List<String> names = new ArrayList<>();
    if (value instanceof List<?> l) {
      for (Object o : l) {
        names.add(account(state, argument, String.valueOf(o)));
      }
    } else if (value instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          names.add(account(state, argument, part.strip()));
        }
      }
    } else if (value != null) {
      throw new FunctionException(state + ": '" + argument + "' must be a list of names");
    }
    return names;
  }

  /** Salt's "key: value" list of attributes, on one line. */
  static String describe(Map<String, Object> changes) {
    return changes.entrySet().stream()
        .map(e -> e.getKey() + ": " + (e.getValue() instanceof List<?> l
            ? l.stream().map(String::valueOf).collect(Collectors.joining(",")) : e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
