package io.brine.crypto.rsa;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;

/** Key fingerprints as colon-separated lowercase hex pairs. */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * What {@code salt-key -f} and Salt's {@code master_finger} show for a PEM file: SHA-256 over the
   * file's lines with blank lines dropped, then the first and last line (header and footer) dropped,
   * the remaining lines kept with their line terminators.
   */
  public static String salt(String pemText) {
    String[] lines = pemText.split("(?<=\n)");
    StringBuilder body = new StringBuilder();
    int kept = 0;
    String pending = null;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      if (kept++ == 0) {
        continue; // the header
      }
      if (pending != null) {
        body.append(pending);
      }
      pending = line; // held back: the last non-blank line is the footer
    }
    return colonHex(sha256(body.toString().getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** {@link #salt(String)} of the key as brine writes it ({@link Pem#writePublicKey}). */
  public static String salt(RSAPublicKey key) {
    return salt(Pem.writePublicKey(key));
  }

  /** SHA-256 over the DER SubjectPublicKeyInfo: brine's own displays, independent of PEM layout. */
  public static String sha256Der(PublicKey key) {
    return colonHex(sha256(key.getEncoded()));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  private static String colonHex(byte[] digest) {
    StringBuilder sb = new StringBuilder(digest.length * 3);
    for (byte b : digest) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit((b >>> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }
}
