package io.brine.minion.states.file;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Salt's {@code file.absent}: nothing at {@code name}. A file or a link is removed (the link, never
 * what it leads to), a folder with everything in it; the removal is the file module's {@code
 * file.remove}, whose tree walk never follows a link. "/" is refused.
 */
final class Absent implements StateFunction {
  @Override
  public String name() {
    return "file.absent";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    String name = call.name();
    if (name.isEmpty()) {
      return StateResult.failed("Must provide name to file.absent");
    }
    Path path;
    try {
      path = StateArgs.absolute(name);
    } catch (IllegalArgumentException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
    if (path.getParent() == null) {
      return StateResult.failed("Refusing to make \"/\" absent");
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return StateResult.ok("File " + name + " is not present");
    }
    boolean folder = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    String what = folder ? "Directory " : "File ";
    Map<String, Object> changes = Map.of("removed", name);
    if (call.test()) {
      return StateResult.wouldChange(what + name + " is set for removal", changes);
    }
    try {
      FunctionOutput out = call.context().call("file.remove", List.of(path.toString()), Map.of());
      if (out.retcode() != 0) {
        String error = String.valueOf(out.value());
        return StateResult.failed(OneLine.of(
            error.startsWith("ERROR: ") ? error.substring("ERROR: ".length()) : error));
      }
    } catch (FunctionException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
    return StateResult.changed((folder ? "Removed directory " : "Removed file ") + name, changes);
  }
}
