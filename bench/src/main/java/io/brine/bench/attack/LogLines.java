package io.brine.bench.attack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counting lines of a child's log, read as it is now (the child may still be writing it). */
final class LogLines {
  /** A Java stack trace's frame line. */
  static final String STACK_FRAME = "\tat ";

  private LogLines() {}

  /** Lines containing {@code text}; 0 for a log not written yet. */
  static long count(Path log, String text) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    // Malformed bytes from a crashing child must not stop the count.
    try (Stream<String> lines =
        new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    Files.newInputStream(log),
                    StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)))
            .lines()) {
      return lines.filter(l -> l.contains(text)).count();
    }
  }
}
