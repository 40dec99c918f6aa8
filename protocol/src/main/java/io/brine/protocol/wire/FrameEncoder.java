package io.brine.protocol.wire;

import io.brine.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * {@link Frame}s to bytes, the reverse of {@link FrameDecoder}. It refuses to send a frame the peer
 * would refuse for its size, so a too-large payload fails the write here, not the connection there.
 * Sharable: it holds only its limit.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {
  private final int maxFrameBytes;

  public FrameEncoder(int maxFrameBytes) {
    super(Frame.class);
    this.maxFrameBytes = Wire.checkMaxFrameBytes(maxFrameBytes);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out)
      throws ProtocolException {
    int length = Wire.HEADER_BYTES + frame.body().length;
    if (frame.body().length > maxFrameBytes - Wire.HEADER_BYTES) {
      throw new ProtocolException(
          frame.type() + " frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    out.ensureWritable(Wire.LENGTH_FIELD_BYTES + length);
    out.writeInt(length);
    out.writeByte(Wire.VERSION);
    out.writeByte(frame.type().code());
    out.writeBytes(frame.body());
  }
}
