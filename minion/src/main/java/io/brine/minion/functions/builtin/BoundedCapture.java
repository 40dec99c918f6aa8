package io.brine.minion.functions.builtin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a command, kept up to a limit: the rest is read and dropped, so a runaway
 * command neither exhausts the minion's memory nor blocks on a full pipe.
 */
final class BoundedCapture {
  static final int DEFAULT_LIMIT = 1 << 20;
  static final String TRUNCATED = "[output truncated]";

  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private boolean truncated;

  BoundedCapture(int limit) {
    this.limit = limit;
  }

  /** Reads the stream to its end (every writer gone) or until it fails (the process was killed). */
  void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        append(buf, n);
      }
    } catch (IOException e) {
      // The stream was closed under us: what was read so far is the output.
    }
  }

  private synchronized void append(byte[] buf, int n) {
    int room = limit - kept.size();
    if (room > 0) {
      kept.write(buf, 0, Math.min(n, room));
    }
    if (n > room) {
      truncated = true;
    }
  }

  /**
   * The output so far as UTF-8 (bad bytes replaced), trailing whitespace stripped as Salt's {@code
   * rstrip=True} does, "[output truncated]" on a line of its own when bytes were dropped.
   */
  synchronized String text() {
    String s = kept.toString(StandardCharsets.UTF_8).stripTrailing();
    if (truncated) {
      s = s.isEmpty() ? TRUNCATED : s + "\n" + TRUNCATED;
    }
    return s;
  }
}
