package io.brine.vault.storage.postgresql;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two spellings of a libpq connection string, read into libpq's keywords ({@code host}, {@code
 * port}, {@code dbname}, {@code user}, {@code password} and the parameters), as libpq reads them
 * (PostgreSQL docs, "Connection Strings"):
 *
 * <ul>
 *   <li>the URI {@code
 *       postgresql://[user[:password]@][host][:port][,...][/dbname][?name=value&...]} ({@code
 *       postgres://} too), each part percent-decoded, an IPv6 host in brackets;
 *   <li>keyword/value settings, {@code host=db.example dbname=brine password='a b\'c'}: a value
 *       with spaces is single-quoted, and a backslash escapes the next character.
 * </ul>
 *
 * <p>No message says what the text holds beyond a parameter's name: the text holds the password,
 * and an unencoded '/' or '@' in it shifts every part after it.
 */
final class LibpqSyntax {
  private LibpqSyntax() {}

  static boolean isUri(String text) {
    return text.startsWith("postgresql://") || text.startsWith("postgres://");
  }

  /**
   * The URI form's keywords; a query parameter overrides the part of the same name, as in libpq.
   */
  static Map<String, String> parseUri(String text) {
    String rest = text.substring(text.indexOf("://") + 3);
    Map<String, String> keywords = new LinkedHashMap<>();

    // libpq looks for the user part up to the first '@' or '/', so a '?' may be in a password.
    int at = -1;
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '@') {
        at = i;
        break;
      }
      if (c == '/') {
        break;
      }
    }
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      putIfNotEmpty(keywords, "user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        putIfNotEmpty(keywords, "password", decode(userInfo.substring(colon + 1)));
      }
      rest = rest.substring(at + 1);
    }

    int hostEnd = indexOfAny(rest, "/?");
    String hosts = rest.substring(0, hostEnd);
    String afterHosts = rest.substring(hostEnd);
    int query = afterHosts.indexOf('?');
    String path = query < 0 ? afterHosts : afterHosts.substring(0, query);
    if (hosts.indexOf('@') >= 0 || path.indexOf('@') >= 0) {
      // A second '@', or one after a '/': a user name or password with '@' or '/' not encoded.
      throw new IllegalArgumentException(
          "connection_url: unexpected '@' after the user part; percent-encode '@', '/' and ':' in"
              + " the user name and password (%40, %2F, %3A)");
    }
    splitHosts(hosts, keywords);
    if (path.length() > 1) {
      putIfNotEmpty(keywords, "dbname", decode(path.substring(1)));
    }
    if (query >= 0) {
      for (String pair : afterHosts.substring(query + 1).split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(
              "connection_url: parameter " + quoteName(decode(pair)) + " has no value");
        }
        keywords.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return keywords;
  }

  /**
   * {@code host[:port],host[:port]...} into libpq's keywords host and port, two lists of the same
   * length; an IPv6 host loses its brackets, as the keyword form writes it ({@code host=::1}).
   */
  private static void splitHosts(String hostList, Map<String, String> keywords) {
    if (hostList.isEmpty()) {
      return;
    }
    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (String entry : hostList.split(",", -1)) {
      String host;
      String port = "";
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException(
              "connection_url: an IPv6 host is missing its closing ']'");
        }
        host = decode(entry.substring(1, close));
        String after = entry.substring(close + 1);
        if (!after.isEmpty()) {
          if (after.charAt(0) != ':') {
            throw new IllegalArgumentException(
                "connection_url: only ':port' may follow an IPv6 host's ']'");
          }
          port = after.substring(1);
        }
      } else {
        int colon = entry.indexOf(':');
        host = decode(colon < 0 ? entry : entry.substring(0, colon));
        port = colon < 0 ? "" : entry.substring(colon + 1);
      }
      hosts.add(host);
      ports.add(decode(port));
    }
    keywords.put("host", String.join(",", hosts));
    if (ports.stream().anyMatch(p -> !p.isEmpty())) {
      keywords.put("port", String.join(",", ports));
    }
  }

  /** The keyword/value form: {@code name = value} pairs separated by white space. */
  static Map<String, String> parseKeywords(String text) {
    Map<String, String> keywords = new LinkedHashMap<>();
    int i = 0;
    int n = text.length();
    while (true) {
      i = skipSpace(text, i);
      if (i >= n) {
        return keywords;
      }
      int nameStart = i;
      while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String name = text.substring(nameStart, i);
      i = skipSpace(text, i);
      if (i >= n || text.charAt(i) != '=') {
        throw new IllegalArgumentException("connection_url: missing '=' after " + quoteName(name));
      }
      i = skipSpace(text, i + 1);
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '\'') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException(
                "connection_url: the value of " + quoteName(name) + " misses its closing quote");
          }
          char c = text.charAt(i++);
          if (c == '\'') {
            break;
          }
          if (c == '\\' && i < n) {
            c = text.charAt(i++);
          }
          value.append(c);
        }
      } else {
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          char c = text.charAt(i++);
          if (c == '\\' && i < n) {
            c = text.charAt(i++);
          }
          value.append(c);
        }
      }
      keywords.put(name, value.toString());
    }
  }

  /**
   * A parameter's name as a message may show it: a name that could never be a libpq keyword
   * (anything but lower-case letters and '_') is not repeated, since text that is not a keyword may
   * be a piece of a password that an unencoded character cut off.
   */
  static String quoteName(String name) {
    if (name.isEmpty() || name.length() > 40 || !name.matches("[A-Za-z_]+")) {
      return "(a name that is not a parameter)";
    }
    return '"' + name + '"';
  }

  private static void putIfNotEmpty(Map<String, String> keywords, String name, String value) {
    if (!value.isEmpty()) {
      keywords.put(name, value);
    }
  }

  private static int skipSpace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int indexOfAny(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }

  /** Percent-decoding as libpq's: %XX is a byte, the bytes are UTF-8, '+' stays '+'. */
  static String decode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()
            || Character.digit(text.charAt(i + 1), 16) < 0
            || Character.digit(text.charAt(i + 2), 16) < 0) {
          throw new IllegalArgumentException(
              "connection_url: a '%' is not followed by two hex digits");
        }
        bytes.write(
            Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          utf8 = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(utf8);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("connection_url: percent-encoded bytes are not UTF-8");
    }
  }
}
