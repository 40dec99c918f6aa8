package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code cp.get_file salt://path dest [makedirs=true]}: fetches a file from the master's file
 * server through {@link io.brine.minion.functions.FileFetcher}, returns dest. As in Salt, a dest
 * that is an existing directory gets the source's file name; a missing parent directory is created
 * only with {@code makedirs=true}. The source must be "salt://" and a relative path without "..";
 * dest must be absolute (a minion's working directory means nothing to the operator).
 */
public final class CpGetFile implements MinionFunction {
  @Override
  public String name() {
    return "cp.get_file";
  }

  @Override
  public String doc() {
    return "Copies a file from the master (salt://path) to an absolute path on the minion.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException, InterruptedException {
    Arguments a = Arguments.parse(call, name(), List.of("path", "dest"), Set.of("makedirs"));
    String source = a.requiredString("path");
    String relative = SaltSource.relativePath(name(), source);
    Path dest = destination(a.requiredString("dest"), relative);
    Path parent = dest.getParent();
    try {
      if (parent != null && !Files.isDirectory(parent)) {
        if (!a.bool("makedirs", false)) {
          throw new FunctionException(
              name() + ": the directory " + parent + " does not exist (makedirs=true creates it)");
        }
        Files.createDirectories(parent);
      }
      call.context().files().fetch(source, dest);
    } catch (IOException e) {
      // MinionFunction.call throws no IOException: the job runner reports this one as a failure.
      throw new UncheckedIOException(e);
    }
    return FunctionOutput.ok(dest.toString());
  }

  private Path destination(String given, String relativeSource) throws FunctionException {
    Path dest;
    try {
      dest = Path.of(given);
    } catch (InvalidPathException e) {
      throw new FunctionException(name() + ": dest is not a valid path");
    }
    if (!dest.isAbsolute()) {
      throw new FunctionException(name() + ": dest must be an absolute path, got " + given);
    }
    if (Files.isDirectory(dest)) {
      dest = dest.resolve(relativeSource.substring(relativeSource.lastIndexOf('/') + 1));
    }
    return dest.normalize();
  }
}
