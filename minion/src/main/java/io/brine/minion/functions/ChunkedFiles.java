package io.brine.minion.functions;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The master's files read chunk by chunk with several reads in flight ({@code file.stat}, then
 * {@code file.read}s: docs/protocol.md §5.3). The daemon's {@link FileFetcher} offers it; a
 * function finds it with {@code context.files() instanceof ChunkedFiles}.
 */
public interface ChunkedFiles {
  /** What {@code file.stat} says of a file: its size and SHA-256. */
  record Stat(long size, byte[] sha256) {
    public Stat {
      if (size < 0 || sha256 == null || sha256.length != 32) {
        throw new IllegalArgumentException("a stat has a size >= 0 and a 32-byte sha256");
      }
      sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  /**
   * @throws IOException the master refused (no such file, not served) or did not answer
   */
  Stat stat(String source) throws IOException, InterruptedException;

  /**
   * Up to {@code length} bytes of {@code source} from {@code offset} (fewer only at the end); the
   * future fails with an IOException carrying the master's words. {@link #stat} first.
   */
  CompletableFuture<byte[]> read(String source, long offset, int length);

  /** The largest chunk one read returns. */
  int chunkBytes();
}
