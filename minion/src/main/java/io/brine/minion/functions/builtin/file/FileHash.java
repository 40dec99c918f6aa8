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
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * {@code file.hash path [form=sha256] [chunk_size]}, also under Salt's name {@code file.get_hash}:
 * the hex digest of a file of any size (streamed, see {@link Hashes#ofFile}). {@code chunk_size} is
 * accepted for Salt's callers and has no effect on the result.
 */
public final class FileHash implements MinionFunction {
  private final String name;

  /**
   * @param name "file.hash" or Salt's "file.get_hash"
   */
  public FileHash(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String doc() {
    return "Returns the hex digest of a file: form=md5|sha1|sha224|sha256|sha384|sha512 (sha256).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name, List.of("path", "form", "chunk_size"), Set.of());
    Path path = FilePaths.absolute(a, name, "path");
    MessageDigest digest = Hashes.digest(name, "form", a.optionalString("form").orElse("sha256"));
    if (a.optionalNumber("chunk_size").map(n -> n < 1).orElse(false)) {
      throw new FunctionException(name + ": 'chunk_size' must be at least 1");
    }
    try {
      if (!Files.isRegularFile(path)) {
        return CommandError.of(
            Files.exists(path) ? path + " is not a regular file" : "File not found: " + path);
      }
      return FunctionOutput.ok(Hashes.ofFile(digest, path));
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
  }
}
