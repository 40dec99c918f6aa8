package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code file.read path [binary=False]}: the file's content as text (UTF-8), as Salt's. A return
 * travels in one frame, so files over {@value #MAX_BYTES} bytes are refused rather than cut; with
 * {@code binary=True} the bytes come back base64-encoded (JSON has no bytes), otherwise a file that
 * is not UTF-8 text is refused. Links are followed, as Salt's open() does; what is not a regular
 * file (a FIFO, a device) is refused.
 */
public final class FileRead implements MinionFunction {
  static final int MAX_BYTES = 512 * 1024;

  @Override
  public String name() {
    return "file.read";
  }

  @Override
  public String doc() {
    return "Returns the content of a file (up to 512 KiB; binary=True gives it base64-encoded).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("path", "binary"), Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    boolean binary = a.bool("binary", false);
    byte[] content;
    try {
      if (Files.isDirectory(path)) {
        return CommandError.of("Is a directory: " + path);
      }
      if (Files.exists(path) && !Files.isRegularFile(path)) {
        // A FIFO would hold the job thread in open(2), past any timeout.
        return CommandError.of(path + " is not a regular file");
      }
      content = readBounded(path, MAX_BYTES);
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
    if (content == null) {
      return CommandError.of(
          path + " is larger than " + MAX_BYTES + " bytes; file.read returns at most that");
    }
    if (binary) {
      return FunctionOutput.ok(Base64.getEncoder().encodeToString(content));
    }
    try {
      return FunctionOutput.ok(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(content))
              .toString());
    } catch (CharacterCodingException e) {
      return CommandError.of(path + " is not UTF-8 text (binary=True returns it base64-encoded)");
    }
  }

  /** The bytes, or null when there are more than max (the file may grow while it is read). */
  static byte[] readBounded(Path path, int max) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(max + 1);
      return bytes.length > max ? null : bytes;
    }
  }
}
