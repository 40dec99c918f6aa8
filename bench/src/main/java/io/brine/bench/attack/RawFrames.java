package io.brine.bench.attack;

import io.brine.protocol.wire.MessageType;
import io.brine.protocol.wire.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Frames as bytes on the wire (docs/protocol.md §1: a 4-byte length counting what follows, the
 * version, the type, the body), written by hand: the attacks need frames the real encoder would
 * refuse to make, with any version, type and length.
 */
final class RawFrames {
  /** Whole frames the proxy relays; far above anything a handshake or a job needs. */
  static final int MAX_RELAYED_BYTES = 64 * 1024 * 1024;

  /** One frame read whole: its type byte and its body. */
  record Read(int type, byte[] body) {}

  private RawFrames() {}

  /** A well-formed frame of the current version. */
  static byte[] frame(MessageType type, byte[] body) {
    return frame(Wire.VERSION, type.code(), body);
  }

  /** A frame whose length prefix is right, with whatever version and type. */
  static byte[] frame(int version, int type, byte[] body) {
    return ByteBuffer.allocate(Wire.LENGTH_FIELD_BYTES + Wire.HEADER_BYTES + body.length)
        .putInt(Wire.HEADER_BYTES + body.length)
        .put((byte) version)
        .put((byte) type)
        .put(body)
        .array();
  }

  /** The 4-byte length prefix alone. */
  static byte[] prefix(int length) {
    return ByteBuffer.allocate(Wire.LENGTH_FIELD_BYTES).putInt(length).array();
  }

  /**
   * The next frame whole (length, version, type, body), as it came: what a relay forwards.
   *
   * @throws IOException at the end of the stream, or for a length no peer may send
   */
  static byte[] readWhole(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < Wire.HEADER_BYTES || length > MAX_RELAYED_BYTES) {
      throw new IOException("frame length " + length);
    }
    byte[] frame = ByteBuffer.allocate(Wire.LENGTH_FIELD_BYTES + length).putInt(length).array();
    in.readFully(frame, Wire.LENGTH_FIELD_BYTES, length);
    return frame;
  }

  /** The next frame's type and body; at most {@code maxBytes} long, else an IOException. */
  static Read read(InputStream stream, int maxBytes) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int length = in.readInt();
    if (length < Wire.HEADER_BYTES || length > maxBytes) {
      throw new IOException("frame length " + length);
    }
    in.readUnsignedByte(); // the version: any answer counts, whatever it says
    int type = in.readUnsignedByte();
    byte[] body = new byte[length - Wire.HEADER_BYTES];
    in.readFully(body);
    return new Read(type, body);
  }

  /** The type byte of a whole frame from {@link #readWhole}. */
  static int type(byte[] whole) {
    return whole[Wire.LENGTH_FIELD_BYTES + 1] & 0xff;
  }

  /** The body of a whole frame from {@link #readWhole}. */
  static byte[] body(byte[] whole) {
    int from = Wire.LENGTH_FIELD_BYTES + Wire.HEADER_BYTES;
    return java.util.Arrays.copyOfRange(whole, from, whole.length);
  }
}
