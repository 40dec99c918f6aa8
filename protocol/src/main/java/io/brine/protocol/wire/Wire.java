package io.brine.protocol.wire;

/** The constants of the framing layer, drawn in docs/protocol.md. */
public final class Wire {
  /**
   * The one protocol version. Peers refuse every other; there is no negotiation. 3 since the
   * minion confirms its key after the WELCOME (CONFIRM, docs/protocol.md §2.7); 2 brought the
   * WELCOME's single RSA wrap. A peer of an earlier handshake is refused at its first frame
   * instead of half-completing a handshake (a version-2 minion would never send CONFIRM, and
   * would be cut off after the confirmation deadline without knowing why).
   */
  public static final int VERSION = 3;

  /** The length prefix: 4 bytes, big-endian, counting version + type + body. */
  public static final int LENGTH_FIELD_BYTES = 4;

  /** Version byte plus type byte. */
  public static final int HEADER_BYTES = 2;

  /**
   * The limit on version + type + body before the peer is authenticated: a handshake body is at
   * most 64 KiB (docs/protocol.md §2). A stranger cannot make us buffer more than this.
   */
  public static final int MAX_HANDSHAKE_FRAME_BYTES = 64 * 1024 + HEADER_BYTES;

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
