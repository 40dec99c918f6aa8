package io.brine.protocol.handshake;

import io.brine.protocol.wire.MessageType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bytes the master authenticates (MAC or signature) in an answer: SHA-256 over a canonical
 * encoding built from field values, never from re-serialised JSON, so both ends get the same bytes
 * whatever the JSON layout:
 *
 * <pre>
 *   "brine v1 transcript" (ASCII)
 *   || u32 len || HELLO body exactly as received
 *   || answer type (1 byte)
 *   || for each answer field but auth, in the documented order: u32 len || bytes
 * </pre>
 *
 * u32 is 4 bytes big-endian. Strings are UTF-8; the epoch is 4 bytes big-endian; a null field is
 * encoded with length 0 (no answer has an optional field since the WELCOME's token moved into
 * its sealed {@code keys}).
 */
final class Transcript {
  private static final byte[] LABEL = "brine v1 transcript".getBytes(StandardCharsets.US_ASCII);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Transcript(byte[] helloBody, MessageType answer) {
    out.writeBytes(LABEL);
    field(helloBody);
    out.write(answer.code());
  }

  Transcript field(byte[] b) {
    byte[] value = b == null ? new byte[0] : b;
    out.writeBytes(u32(value.length));
    out.writeBytes(value);
    return this;
  }

  Transcript field(String s) {
    return field(s.getBytes(StandardCharsets.UTF_8));
  }

  Transcript field(int i) {
    return field(u32(i));
  }

  byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static byte[] u32(int i) {
    return new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
  }
}
