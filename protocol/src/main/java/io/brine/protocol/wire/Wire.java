package io.brine.protocol.wire;

/** The constants of the framing layer, drawn in docs/protocol.md. */
public final class Wire {
  /**
   * The one protocol version. Peers refuse every other; there is no negotiation. 2 since the
   * WELCOME carries one RSA wrap (docs/protocol.md §2.2): a peer of the earlier handshake is
   * refused at its first frame instead of half-completing a handshake.
   */
  public static final int VERSION = 2;

  /** The length prefix: 4 bytes, big-endian, counting version + type + body. */
  public static final int LENGTH_FIELD_BYTES = 4;

  /** Version byte plus type byte. */
  public static final int HEADER_BYTES = 2;

  /** Default limit on version + type + body; larger payloads (files) are chunked by the sender. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

  private Wire() {}

  static int checkMaxFrameBytes(int maxFrameBytes) {
    if (maxFrameBytes < HEADER_BYTES || maxFrameBytes > Integer.MAX_VALUE - LENGTH_FIELD_BYTES) {
      throw new IllegalArgumentException(
          "maximum frame size must be in " + HEADER_BYTES + ".." + (Integer.MAX_VALUE - 4));
    }
    return maxFrameBytes;
  }
}
