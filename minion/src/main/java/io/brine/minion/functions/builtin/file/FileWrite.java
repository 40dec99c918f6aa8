package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code file.write path line...}: the file becomes the lines, each ending in a newline; returns
 * Salt's {@code Wrote N lines to "path"}. Unlike Salt's (open and truncate), the write is atomic
 * ({@link AtomicWrite}): a failure or a crash leaves the old content. The folder must exist.
 */
public final class FileWrite implements MinionFunction {
  @Override
  public String name() {
    return "file.write";
  }

  @Override
  public String doc() {
    return "Replaces a file's content with the given lines, atomically (temp file and rename).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Lines lines = Lines.parse(call, name());
    Path path = lines.path();
    String note;
    try {
      note =
          AtomicWrite.replace(
              AtomicWrite.target(path), lines.joined().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
    String wrote = "Wrote " + lines.lines().size() + " lines to \"" + path + "\"";
    return note == null ? FunctionOutput.ok(wrote) : CommandError.of(wrote + ", but " + note);
  }
}
