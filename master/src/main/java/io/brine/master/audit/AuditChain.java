package io.brine.master.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * brine's chain fields, appended to every line: {@code seq} (per device, from 1, continuing across
 * restarts and rotations) and {@code prev}, the hex SHA-256 of the previous line's exact bytes
 * without its newline ({@link #GENESIS} before a device's first line). The writer and {@link
 * AuditVerifier} share these definitions.
 */
public final class AuditChain {
  /** The {@code prev} of a device's first line. */
  public static final String GENESIS = "0".repeat(64);

  private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\"}".getBytes(StandardCharsets.US_ASCII);

  private AuditChain() {}

  /** Where a device's chain stands: the last line's seq (0 before the first) and its hash. */
  public record Head(long seq, String hash) {
    public static final Head START = new Head(0, GENESIS);
  }

  /**
   * {@code body} (a JSON object, possibly after a prefix, ending in its closing brace) with {@code
   * "seq"} and {@code "prev"} added as its last fields.
   */
  static byte[] line(byte[] body, long seq, String prev) {
    int end = body.length - 1;
    if (end < 1 || body[end] != '}') {
      throw new IllegalArgumentException("an entry body ends with '}'");
    }
    byte[] seqText = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    byte[] prevText = prev.getBytes(StandardCharsets.US_ASCII);
    boolean empty = body[end - 1] == '{';
    int skip = empty ? 1 : 0; // "{}" takes no leading comma
    byte[] out = new byte[end + SEQ.length - skip + seqText.length + PREV.length + prevText.length
        + END.length];
    int at = 0;
    System.arraycopy(body, 0, out, at, end);
    at += end;
    System.arraycopy(SEQ, skip, out, at, SEQ.length - skip);
    at += SEQ.length - skip;
    System.arraycopy(seqText, 0, out, at, seqText.length);
    at += seqText.length;
    System.arraycopy(PREV, 0, out, at, PREV.length);
    at += PREV.length;
    System.arraycopy(prevText, 0, out, at, prevText.length);
    at += prevText.length;
    System.arraycopy(END, 0, out, at, END.length);
    return out;
  }

  /** The hex SHA-256 of a line's bytes (without its newline). */
  public static String hash(byte[] line, int offset, int length) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    sha.update(line, offset, length);
    return HexFormat.of().formatHex(sha.digest());
  }

  public static String hash(byte[] line) {
    return hash(line, 0, line.length);
  }
}
