package io.brine.vault.policy;

/**
 * Quotes text that came from a caller (a request path, a policy's pattern, a parameter value) for a
 * one-line message: control and format characters become {@code \\uXXXX}, quotes and backslashes
 * are escaped, and anything past {@link #MAX_CHARS} is cut, so a reason or an error can never forge
 * a second line or grow without bound.
 */
final class QuotedText {
  static final int MAX_CHARS = 96;

  private QuotedText() {}

  static String of(String text) {
    if (text == null) {
      return "null";
    }
    int end = Math.min(text.length(), MAX_CHARS);
    StringBuilder out = new StringBuilder(end + 8).append('"');
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c)
          || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
          || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
    if (text.length() > end) {
      out.append("...(").append(text.length() - end).append(" more chars)");
    }
    return out.toString();
  }
}
