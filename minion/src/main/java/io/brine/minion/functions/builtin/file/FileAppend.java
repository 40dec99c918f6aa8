package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code file.append path line...}: adds the lines at the end of an existing file, first a newline
 * if its last line has none, as Salt's; returns {@code Wrote N lines to "path"}. As in Salt, the
 * file must exist and the append is in place (O_APPEND, one write, then fsync): appending is what
 * log-like files expect, and a rename would lose a concurrent writer's lines.
 */
public final class FileAppend implements MinionFunction {
  @Override
  public String name() {
    return "file.append";
  }

  @Override
  public String doc() {
    return "Appends lines to the end of an existing file (adding a newline first if needed).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Lines lines = Lines.parse(call, name());
    Path path = lines.path();
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      // A FIFO would hold the job thread in open(2), past any timeout.
      return CommandError.of(path + " is not a regular file");
    }
    try {
      String text = lines.joined();
      try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
        long size = in.size();
        ByteBuffer last = ByteBuffer.allocate(1);
        if (size > 0 && in.read(last, size - 1) == 1 && last.get(0) != '\n') {
          text = "\n" + text;
        }
      }
      try (FileChannel out = FileChannel.open(path, StandardOpenOption.APPEND)) {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          out.write(b);
        }
        out.force(true);
      }
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
    return FunctionOutput.ok("Wrote " + lines.lines().size() + " lines to \"" + path + "\"");
  }
}
