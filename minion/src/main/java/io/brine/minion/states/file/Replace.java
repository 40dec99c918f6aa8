package io.brine.minion.states.file;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Salt's {@code file.replace} state: the file module's {@code file.replace} (Python's re on the
 * whole file, {@code count}, {@code flags}, {@code append_if_not_found}, {@code
 * prepend_if_not_found}, {@code not_found_content}, {@code backup}, {@code backslash_literal}),
 * with {@code dry_run} for test=True, as Salt's state calls it; changes {@code {'diff': ...}}.
 *
 * <p>One difference: the file is always replaced by temp file and rename (the module's
 * preserve_inode=False), never rewritten in place, so a failure never leaves half a file. A hard
 * link to the old file keeps the old content.
 */
final class Replace implements StateFunction {
  private static final List<String> PASSED = List.of("count", "flags", "bufsize",
      "append_if_not_found", "prepend_if_not_found", "not_found_content", "backup",
      "show_changes", "ignore_if_missing", "backslash_literal");

  @Override
  public String name() {
    return "file.replace";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    String name = call.name();
    if (name.isEmpty()) {
      return StateResult.failed("Must provide name to file.replace");
    }
    Path path;
    try {
      path = StateArgs.absolute(name);
    } catch (IllegalArgumentException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
    Object pattern = call.args().get("pattern");
    Object repl = call.args().get("repl");
    if (pattern == null || repl == null) {
      return StateResult.failed("file.replace: 'pattern' and 'repl' are required");
    }
    if (!Files.exists(path)) {
      boolean ignore = Boolean.TRUE.equals(call.args().get("ignore_if_missing"));
      return ignore ? StateResult.ok("No changes needed to be made")
          : StateResult.failed(name + ": file not found");
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (String arg : PASSED) {
      if (call.args().containsKey(arg)) {
        kwargs.put(arg, call.args().get(arg));
      }
    }
    kwargs.put("dry_run", call.test());
    kwargs.put("preserve_inode", false);
    FunctionOutput out;
    try {
      out = call.context().call("file.replace",
          List.of(path.toString(), StateArgs.text(pattern), StateArgs.text(repl)), kwargs);
    } catch (FunctionException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
    if (out.retcode() != 0) {
      String error = String.valueOf(out.value());
      return StateResult.failed(OneLine.of(
          error.startsWith("ERROR: ") ? error.substring("ERROR: ".length()) : error));
    }
    Object diff = out.value();
    boolean changed = diff instanceof String s ? !s.isEmpty() : Boolean.TRUE.equals(diff);
    if (!changed) {
      return StateResult.ok("No changes needed to be made");
    }
    Map<String, Object> changes = Map.of("diff", diff);
    return call.test()
        ? StateResult.wouldChange("Changes would have been made", changes)
        : StateResult.changed("Changes were made", changes);
  }
}
