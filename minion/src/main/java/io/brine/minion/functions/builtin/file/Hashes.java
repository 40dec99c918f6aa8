package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.FunctionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/** Salt's hash_type and form names (hashlib's) to the JDK's digests. */
public final class Hashes {
  private static final Map<String, String> JDK_NAMES =
      Map.of(
          "md5", "MD5",
          "sha1", "SHA-1",
          "sha224", "SHA-224",
          "sha256", "SHA-256",
          "sha384", "SHA-384",
          "sha512", "SHA-512");

  private Hashes() {}

  /** The digest Python's hashlib calls {@code form}, or a FunctionException naming the choices. */
  public static MessageDigest digest(String function, String argument, String form)
      throws FunctionException {
    String jdk = JDK_NAMES.get(form.toLowerCase(Locale.ROOT));
    if (jdk == null) {
      throw new FunctionException(
          function
              + ": '"
              + argument
              + "' must be one of md5, sha1, sha224, sha256, sha384, sha512, got "
              + form);
    }
    try {
      return MessageDigest.getInstance(jdk);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jdk + " is missing from this JDK", e);
    }
  }

  /**
   * The file's digest in lower-case hex, read in 64 KiB chunks so any size costs no memory; the
   * job's interrupt (its timeout) ends a long read between two chunks.
   */
  static String ofFile(MessageDigest digest, Path path) throws IOException {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(path)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("interrupted while hashing " + path);
        }
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
