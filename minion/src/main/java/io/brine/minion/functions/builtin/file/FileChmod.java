package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * {@code file.chmod path mode}: sets the permission bits and returns the new mode ("0644"), as
 * Salt's. A link is followed (Linux has no mode on links, chmod(1) does the same); a missing path
 * is an error (Salt returns the text "File not found" as if it had worked).
 */
public final class FileChmod implements MinionFunction {
  @Override
  public String name() {
    return "file.chmod";
  }

  @Override
  public String doc() {
    return "Sets a file's permission bits (octal mode, e.g. 0644); returns the new mode.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("path", "mode"), Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    Set<PosixFilePermission> perms = Modes.parse(name(), a.requiredString("mode"));
    if (!Files.exists(path)) {
      return CommandError.of("File not found: " + path);
    }
    try {
      Files.setPosixFilePermissions(path, perms);
      return FunctionOutput.ok(Modes.of(path));
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
  }
}
