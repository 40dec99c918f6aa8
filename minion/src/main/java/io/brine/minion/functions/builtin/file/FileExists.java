package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code file.exists path}: true when something is there (file, folder, device), as Python's
 * os.path.exists: a link counts by its target, so a dangling link is false.
 */
public final class FileExists implements MinionFunction {
  @Override
  public String name() {
    return "file.exists";
  }

  @Override
  public String doc() {
    return "Returns true if the path exists (file, directory or other; links by their target).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("path"), Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    return FunctionOutput.ok(Files.exists(path));
  }
}
