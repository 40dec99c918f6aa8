package io.brine.bench.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * The reference for an audited rate: how many append-then-fsync cycles one writer gets from this
 * disk per second, appending lines the size of an audit entry, the way the file device writes
 * (write, then {@code FileChannel.force(false)}). Each audited request needs two durable entries
 * (request, response); without group commit the rate could not pass half of this.
 */
final class FsyncRate {
  private FsyncRate() {}

  /** Appends-and-fsyncs per second in a file under {@code dir}, for {@code duration}. */
  static double measure(Path dir, Duration duration) throws IOException {
    Path file = Files.createTempFile(dir, "fsync-rate", ".bin");
    byte[] line = new byte[1024];
    Arrays.fill(line, (byte) 'x');
    line[line.length - 1] = '\n';
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long n = 0;
      long now;
      do {
        channel.write(ByteBuffer.wrap(line));
        channel.force(false);
        n++;
        now = System.nanoTime();
      } while (now < end);
      return n * 1e9 / (now - start);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
