package io.brine.vault.seal.pkcs11;

/**
 * Turns a JDK or PKCS#11 exception chain into the short phrase an operator needs, such as {@code
 * CKR_TOKEN_NOT_PRESENT}. SunPKCS11 wraps the token's error code several layers deep ("load failed"
 * around "login failed" around the code), so the innermost message is usually the useful one.
 */
final class Causes {
  /** Bounds the walk: a cause chain can, in principle, loop. */
  private static final int MAX_DEPTH = 20;

  private Causes() {}

  static String describe(Throwable error) {
    String message = error.getClass().getSimpleName();
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return oneLine(message);
  }

  /** The first exception of {@code type} in the chain, or null. */
  static <T extends Throwable> T find(Throwable error, Class<T> type) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String oneLine(String message) {
    String line = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
