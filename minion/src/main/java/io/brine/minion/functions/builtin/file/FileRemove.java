package io.brine.minion.functions.builtin.file;

import io.brine.common.files.DurableFiles;
import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code file.remove path}: removes a file, a link (never what it points to) or a folder with
 * everything in it, as Salt's (shutil.rmtree); a link inside the folder is removed, never followed.
 * True when something was removed, False when nothing was there. "/" is refused.
 */
public final class FileRemove implements MinionFunction {
  @Override
  public String name() {
    return "file.remove";
  }

  @Override
  public String doc() {
    return "Removes a file, link or directory tree (links are never followed); false if absent.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("path"), Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    if (path.getParent() == null) {
      throw new FunctionException(name() + " refuses to remove /");
    }
    try {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return FunctionOutput.ok(false);
      }
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        DurableFiles.deleteTree(path);
      } else {
        DurableFiles.delete(path);
      }
      return FunctionOutput.ok(true);
    } catch (IOException e) {
      return CommandError.of("Could not remove '" + path + "': " + FilePaths.describe(e));
    }
  }
}
