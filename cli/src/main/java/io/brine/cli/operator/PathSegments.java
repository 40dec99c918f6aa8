package io.brine.cli.operator;

import java.nio.charset.StandardCharsets;

/**
 * A name typed by the operator, made safe as one segment of an API path: letters, digits, '.',
 * '_' and '-' as they are, every other byte of its UTF-8 percent-encoded, so a '/' or '?' in a
 * policy or audit device name can never reach another path.
 */
public final class PathSegments {
  private PathSegments() {}

  public static String encode(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (plain) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
