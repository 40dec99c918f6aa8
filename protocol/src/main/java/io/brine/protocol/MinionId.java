package io.brine.protocol;

import java.util.Objects;

/**
 * A minion id that has been checked, the one place ids are validated before anything (a PKI file
 * name, a cache path, a log line) is built from them. Salt's path-traversal CVEs (CVE-2017-12791,
 * CVE-2024-22231, CVE-2025-22238) came from ids used unchecked.
 *
 * <p>Allowed: 1 to {@value #MAX_LENGTH} characters of ASCII letters, digits, '.', '-' and '_', not
 * starting with '.' or '-' (no hidden files, nothing that reads as an option). So no '/', '\\',
 * "..", NUL, control characters, spaces or non-ASCII: a minion's host name or FQDN fits.
 */
public final class MinionId implements Comparable<MinionId> {
  public static final int MAX_LENGTH = 253;

  private final String value;

  private MinionId(String value) {
    this.value = value;
  }

  /**
   * @throws IllegalArgumentException with a one-line message that shows no more than a safe prefix
   *     of the bad id
   */
  public static MinionId of(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("minion id is empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "minion id is " + id.length() + " characters; at most " + MAX_LENGTH + " are allowed");
    }
    char first = id.charAt(0);
    if (first == '.' || first == '-') {
      throw new IllegalArgumentException(
          "minion id " + printable(id) + " starts with '" + first + "'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      if (!ok) {
        throw new IllegalArgumentException(
            "minion id "
                + printable(id)
                + " has a character that is not allowed at position "
                + (i + 1)
                + " (letters, digits, '.', '-' and '_' only)");
      }
    }
    if (id.contains("..")) {
      throw new IllegalArgumentException("minion id " + printable(id) + " contains '..'");
    }
    return new MinionId(id);
  }

  /** Whether {@code id} is valid, for filters that skip bad names instead of failing. */
  public static boolean isValid(String id) {
    try {
      of(id);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public String value() {
    return value;
  }

  /** A bad id quoted for a log line: control characters escaped, at most 64 characters shown. */
  private static String printable(String id) {
    StringBuilder sb = new StringBuilder("'");
    int shown = Math.min(id.length(), 64);
    for (int i = 0; i < shown; i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c == 0x7f || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(id.length() > shown ? "...'" : "'").toString();
  }

  @Override
  public int compareTo(MinionId o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinionId && ((MinionId) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
