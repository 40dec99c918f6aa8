package io.brine.common.log;

/**
 * Makes text from a peer safe to put in a log line. A stranger's id, a parser's message quoting
 * the stranger's bytes, a path it asked for: any of them may hold a newline that forges a second
 * log line, or terminal escapes that rewrite what an operator sees. Every control character (C0,
 * DEL, C1), the Unicode line and paragraph separators, the invisible format characters that
 * reorder or hide text (bidi embeddings and isolates, zero-width marks) and an unpaired surrogate
 * become a visible <code>&#92;uXXXX</code>; a backslash is doubled, so that an escape cannot be faked.
 * Text longer than a limit is cut, with a note of how much was cut.
 */
public final class LogText {
  /** What a single peer-supplied value may take of a log line. */
  public static final int DEFAULT_MAX_CHARS = 1024;

  private LogText() {}

  /** {@code text}, escaped and cut at {@link #DEFAULT_MAX_CHARS}; "null" for null. */
  public static String escape(String text) {
    return escape(text, DEFAULT_MAX_CHARS);
  }

  public static String escape(String text, int maxChars) {
    if (text == null) {
      return "null";
    }
    if (isClean(text, maxChars)) {
      return text; // the usual case: no copy
    }
    int end = Math.min(text.length(), maxChars);
    StringBuilder out = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (needsEscape(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > end) {
      out.append("...(").append(text.length() - end).append(" more chars)");
    }
    return out.toString();
  }

  private static boolean isClean(String text, int maxChars) {
    if (text.length() > maxChars) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || needsEscape(c) || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean needsEscape(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= '\u200b' && c <= '\u200f') // zero-width and direction marks
        || (c >= '\u2028' && c <= '\u202e') // line and paragraph separators, bidi embeddings
        || (c >= '\u2060' && c <= '\u2069') // word joiner, bidi isolates
        || c == '\ufeff'
        || Character.isSurrogate(c);
  }
}
