package io.brine.vault.token;

import java.security.SecureRandom;

/**
 * The shapes of tokens and accessors: {@code s.} and 32 base62 characters (OpenBao's service
 * token), accessors 24 base62, and the legacy root token {@code brn.} and 32 base64url characters
 * that brine issued before this store. A string of no known shape is refused before any storage
 * is read.
 */
final class TokenStrings {
  static final String PREFIX = "s.";
  static final int BODY_LENGTH = 32;
  static final int LENGTH = PREFIX.length() + BODY_LENGTH;
  static final int ACCESSOR_LENGTH = 24;
  static final String LEGACY_PREFIX = "brn.";
  static final int LEGACY_LENGTH = LEGACY_PREFIX.length() + 32;

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private TokenStrings() {}

  static String newToken(SecureRandom random) {
    return PREFIX + base62(random, BODY_LENGTH);
  }

  static String newAccessor(SecureRandom random) {
    return base62(random, ACCESSOR_LENGTH);
  }

  /** Uniform: nextInt(62) rejects the biased tail itself. */
  private static String base62(SecureRandom random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(BASE62.charAt(random.nextInt(BASE62.length())));
    }
    return b.toString();
  }

  static boolean isToken(String s) {
    return s != null
        && s.length() == LENGTH
        && s.startsWith(PREFIX)
        && allMatch(s, PREFIX.length(), false);
  }

  static boolean isLegacyRootToken(String s) {
    return s != null
        && s.length() == LEGACY_LENGTH
        && s.startsWith(LEGACY_PREFIX)
        && allMatch(s, LEGACY_PREFIX.length(), true);
  }

  static boolean isAccessor(String s) {
    return s != null && s.length() == ACCESSOR_LENGTH && allMatch(s, 0, false);
  }

  private static boolean allMatch(String s, int from, boolean base64url) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (base64url && (c == '-' || c == '_'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
