package io.brine.minion.functions;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A function context for tests: minion id "web1", and a file server that is a local folder (what
 * the master's file roots are), copied with the same temp-file-and-rename the real one does.
 */
public final class TestContext implements FunctionContext, FileFetcher {
  private final Path fileRoot;

  public TestContext(Path fileRoot) {
    this.fileRoot = fileRoot;
  }

  @Override
  public MinionId minionId() {
    return MinionId.of("web1");
  }

  @Override
  public FileFetcher files() {
    return this;
  }

  @Override
  public long fetch(String source, Path dest) throws IOException {
    if (!source.startsWith("salt://")) {
      throw new IllegalArgumentException("not a salt:// source: " + source);
    }
    Path file = fileRoot.resolve(source.substring("salt://".length()));
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(source, null, "no such file on the master");
    }
    Path tmp = Files.createTempFile(dest.getParent(), ".fetch", ".tmp");
    Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return Files.size(dest);
  }

  /** A call as the runner makes it. */
  public FunctionCall call(Object... args) {
    return new FunctionCall(java.util.Arrays.asList(args), java.util.Map.of(), this);
  }

  public FunctionCall call(java.util.List<Object> args, java.util.Map<String, Object> kwargs) {
    return new FunctionCall(args, kwargs, this);
  }
}
