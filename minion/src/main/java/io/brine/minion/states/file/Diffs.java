package io.brine.minion.states.file;

import io.brine.minion.functions.builtin.file.UnifiedDiff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The "diff" of a file state's changes as Salt's get_diff gives it: the unified diff of two texts
 * (no file names), or "Replace binary file" and its two mixed forms when either side is not text.
 * A side over {@link Managed#MAX_TEXT_BYTES} is not read whole; it is reported as too large to
 * show.
 */
final class Diffs {
  private Diffs() {}

  static String of(Path current, Managed.Content next) throws IOException {
    if (Files.size(current) > Managed.MAX_TEXT_BYTES || next.size() > Managed.MAX_TEXT_BYTES) {
      return "Replace large file (over " + Managed.MAX_TEXT_BYTES + " bytes, not shown)";
    }
    return of(Files.readAllBytes(current), next.read(Managed.MAX_TEXT_BYTES));
  }

  static String of(byte[] before, byte[] after) {
    String a = text(before);
    String b = text(after);
    if (a == null && b == null) {
      return "Replace binary file";
    }
    if (a == null) {
      return "Replace binary file with text file";
    }
    if (b == null) {
      return "Replace text file with binary file";
    }
    return UnifiedDiff.of(a, b, Managed.MAX_DIFF_CHARS);
  }

  static String of(String before, String after) {
    return UnifiedDiff.of(before, after, Managed.MAX_DIFF_CHARS);
  }

  /** The UTF-8 text, or null for what Salt calls binary (a NUL byte, or not UTF-8). */
  static String text(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
