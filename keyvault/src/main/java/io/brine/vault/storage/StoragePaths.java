package io.brine.vault.storage;

import io.brine.vault.InvalidRequestException;

/**
 * The rules for storage paths, checked before any file name is built from one.
 *
 * <p>A path is 1 to {@value #MAX_PATH_LENGTH} characters of '/'-separated segments. Each segment is
 * 1 to {@value #MAX_SEGMENT_LENGTH} characters from {@code [A-Za-z0-9._-]} and does not start with
 * '.'. So there are no empty segments (no leading, trailing or double slash), no "." or "..", no
 * hidden names (the file backend's temporary files are hidden, so they can never be addressed), no
 * backslashes and no control characters. The set is deliberately narrow: every valid path is also a
 * safe file name on any file system brine runs on.
 */
public final class StoragePaths {
  public static final int MAX_PATH_LENGTH = 512;
  public static final int MAX_SEGMENT_LENGTH = 255;

  /** Longest piece of a rejected path quoted back in a message. */
  private static final int MAX_QUOTED_LENGTH = 64;

  private StoragePaths() {}

  /** Returns {@code path} if it is a valid storage path, else throws saying what is wrong. */
  public static String check(String path) throws InvalidRequestException {
    if (path == null || path.isEmpty()) {
      throw new InvalidRequestException("storage path is empty");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidRequestException(
          "storage path is longer than " + MAX_PATH_LENGTH + " characters: " + quote(path));
    }
    int segmentStart = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        checkSegment(path, segmentStart, i);
        segmentStart = i + 1;
      } else if (!isAllowed(path.charAt(i))) {
        throw new InvalidRequestException(
            "storage path "
                + quote(path)
                + " has a character outside [A-Za-z0-9._-] at position "
                + i);
      }
    }
    return path;
  }

  /**
   * Returns {@code prefix} if it is a valid prefix for {@link Storage#list}: empty (the top) or a
   * valid path followed by "/".
   */
  public static String checkPrefix(String prefix) throws InvalidRequestException {
    if (prefix == null) {
      throw new InvalidRequestException("storage prefix is missing");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    if (!prefix.endsWith("/")) {
      throw new InvalidRequestException(
          "storage prefix " + quote(prefix) + " must be empty or end with '/'");
    }
    check(prefix.substring(0, prefix.length() - 1));
    return prefix;
  }

  private static void checkSegment(String path, int start, int end) throws InvalidRequestException {
    if (start == end) {
      throw new InvalidRequestException(
          "storage path "
              + quote(path)
              + " has an empty segment (leading, trailing or double '/')");
    }
    if (end - start > MAX_SEGMENT_LENGTH) {
      throw new InvalidRequestException(
          "storage path "
              + quote(path)
              + " has a segment longer than "
              + MAX_SEGMENT_LENGTH
              + " characters");
    }
    if (path.charAt(start) == '.') {
      throw new InvalidRequestException(
          "storage path " + quote(path) + " has a segment starting with '.'");
    }
  }

  /** Whether {@code name} is valid as one segment; for telling stored names from stray files. */
  static boolean isValidSegment(String name) {
    if (name.isEmpty() || name.length() > MAX_SEGMENT_LENGTH || name.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isAllowed(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  /**
   * The path as it may be shown in a one-line message: anything outside printable ASCII becomes
   * '?', so a newline or a terminal escape in a request cannot forge a log line, and long input is
   * cut.
   */
  static String quote(String path) {
    StringBuilder sb = new StringBuilder(Math.min(path.length(), MAX_QUOTED_LENGTH) + 5);
    sb.append('"');
    for (int i = 0; i < path.length() && i < MAX_QUOTED_LENGTH; i++) {
      char c = path.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (path.length() > MAX_QUOTED_LENGTH) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
