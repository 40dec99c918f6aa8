package io.brine.protocol.wire;

import io.brine.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Bytes to {@link Frame}s. The length prefix and its limit are Netty's {@link
 * LengthFieldBasedFrameDecoder} (fail fast: an oversize prefix fails before its body arrives, so a
 * peer cannot make us buffer it); this class only checks the version byte and reads the type.
 *
 * <pre>
 *   length (4 bytes, big-endian, = 2 + body length)
 *   || version (1 byte, = 1) || type (1 byte) || body
 * </pre>
 *
 * Every failure is a {@link ProtocolException} or Netty's {@code TooLongFrameException}, which
 * {@link DisconnectOnError} turns into a closed connection. Stateful (it buffers a partial frame):
 * one instance per channel.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final int maxFrameBytes;

  /** @param maxFrameBytes the largest version + type + body accepted; the prefix is not counted */
  public FrameDecoder(int maxFrameBytes) {
    super(
        Wire.checkMaxFrameBytes(maxFrameBytes) + Wire.LENGTH_FIELD_BYTES,
        0,
        Wire.LENGTH_FIELD_BYTES,
        0,
        Wire.LENGTH_FIELD_BYTES,
        true);
    this.maxFrameBytes = maxFrameBytes;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      return toFrame(frame);
    } finally {
      frame.release();
    }
  }

  private static Frame toFrame(ByteBuf frame) throws ProtocolException {
    if (frame.readableBytes() < Wire.HEADER_BYTES) {
      throw new ProtocolException(
          "frame of " + frame.readableBytes() + " bytes is shorter than its 2-byte header");
    }
    int version = frame.readUnsignedByte();
    if (version != Wire.VERSION) {
      throw new ProtocolException(
          "protocol version " + version + " is not supported; this end speaks only "
              + Wire.VERSION);
    }
    MessageType type = MessageType.fromCode(frame.readByte());
    byte[] body = new byte[frame.readableBytes()];
    frame.readBytes(body);
    return new Frame(type, body);
  }
}
