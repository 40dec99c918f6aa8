package io.brine.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * Whether Amazon Corretto Crypto Provider's native library loaded. ACCP extracts its library to
 * {@code java.io.tmpdir} and loads it when its class initializes; on another OS or CPU, a noexec
 * temp folder, or a jar built for the other architecture, the class still loads and reports the
 * error instead of throwing it.
 */
final class AccpProbe {
  private static final String WHY_NOT = probe();

  private AccpProbe() {}

  /** Null when ACCP is usable, else one line that says why not. */
  static String whyNot() {
    return WHY_NOT;
  }

  private static String probe() {
    try {
      Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
      if (error == null) {
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        return null;
      }
      return oneLine(error);
    } catch (LinkageError | RuntimeException e) {
      // LinkageError: the jar is not on the class path at all (a trimmed install).
      return oneLine(e);
    }
  }

  private static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").strip()
        + " (on "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + ")";
  }
}
