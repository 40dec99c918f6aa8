package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of Salt's {@code file.write(path, *args, **kwargs)} and {@code file.append}: the
 * path (first positional or {@code path=}), then each line as an argument, or {@code args=} a line
 * or a list of lines in their place (as Salt takes them from a state or the API).
 */
record Lines(Path path, List<String> lines) {
  static Lines parse(FunctionCall call, String function) throws FunctionException {
    Arguments a = Arguments.parseVarargs(call, function, Set.of("path", "args"));
    List<Object> rest = a.rest();
    Path path;
    if (a.get("path").isPresent()) {
      path = FilePaths.absolute(a, function, "path");
    } else if (rest.isEmpty()) {
      throw new FunctionException(function + " is missing the required argument 'path'");
    } else {
      Object first = rest.remove(0);
      path =
          FilePaths.absolute(
              Arguments.parse(
                  new FunctionCall(List.of(first), Map.of(), call.context()),
                  function,
                  List.of("path"),
                  Set.of()),
              function,
              "path");
    }
    Object given = a.get("args").orElse(null);
    if (given != null) {
      if (!rest.isEmpty()) {
        throw new FunctionException(function + " got lines both as arguments and as 'args'");
      }
      rest = given instanceof List ? new ArrayList<>((List<?>) given) : List.of(given);
    }
    List<String> lines = new ArrayList<>();
    for (Object line : rest) {
      lines.add(text(function, line));
    }
    return new Lines(path, lines);
  }

  /** A line as Python's str() writes it: True and False capitalised, None as "None". */
  private static String text(String function, Object line) throws FunctionException {
    if (line == null) {
      return "None";
    }
    if (line instanceof Boolean) {
      return ((Boolean) line) ? "True" : "False";
    }
    if (line instanceof Map || line instanceof List) {
      throw new FunctionException(function + ": each line must be a string, not a map or list");
    }
    return line.toString();
  }

  /** Each line and a newline, as Salt writes them. */
  String joined() {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }
}
