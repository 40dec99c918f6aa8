package io.brine.minion.functions.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small kernel files (/proc/uptime, /proc/meminfo): read up to 64 KiB, which they never pass. */
final class ProcFiles {
  private static final int MAX = 64 * 1024;

  private ProcFiles() {}

  static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX), StandardCharsets.UTF_8);
    }
  }
}
