package io.brine.protocol.wire;

import io.brine.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bytes to {@link Frame}s, with two limits that are tighter until the peer is authenticated.
 *
 * <pre>
 *   length (4 bytes, big-endian, = 2 + body length)
 *   || version (1 byte) || type (1 byte) || body
 * </pre>
 *
 * <ul>
 *   <li><b>Size.</b> An oversize length fails as soon as its 4 bytes are read, so a peer cannot make
 *       us buffer the body. Before {@link #authenticated()} the limit is the handshake's ({@link
 *       Wire#MAX_HANDSHAKE_FRAME_BYTES}, 64 KiB): a stranger announcing a 1 MiB frame is refused at
 *       once instead of holding a megabyte of direct memory. After it, {@code max_frame_bytes}.
 *   <li><b>Time.</b> Before authentication a frame must arrive whole within {@code
 *       partialFrameTimeout} of its first byte, or the connection is closed: a stranger trickling
 *       a frame one byte at a time holds a socket and a buffer for seconds, not for ever. An
 *       authenticated minion may be on a slow link, and gets no such deadline.
 * </ul>
 *
 * Every failure is a {@link ProtocolException} or Netty's {@code TooLongFrameException}, which
 * {@link DisconnectOnError} turns into a closed connection. Stateful (it buffers a partial frame):
 * one instance per channel, used on its event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private final Duration partialFrameTimeout;
  private int limit;
  private boolean authenticated;

  private ChannelHandlerContext context;
  private ScheduledFuture<?> partialDeadline;
  private long framesAtDeadline;
  private long frames;

  /**
   * A decoder with no pre-authentication limits (tests of the framing alone).
   *
   * @param maxFrameBytes the largest version + type + body accepted; the prefix is not counted
   */
  public FrameDecoder(int maxFrameBytes) {
    this(maxFrameBytes, null);
    authenticated();
  }

  /**
   * @param maxFrameBytes the largest version + type + body accepted once authenticated
   * @param partialFrameTimeout before authentication, the longest a frame may take to arrive whole
   */
  public FrameDecoder(int maxFrameBytes, Duration partialFrameTimeout) {
    this.maxFrameBytes = Wire.checkMaxFrameBytes(maxFrameBytes);
    this.partialFrameTimeout = partialFrameTimeout;
    this.limit = Math.min(maxFrameBytes, Wire.MAX_HANDSHAKE_FRAME_BYTES);
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** The limit in force now: the handshake's until {@link #authenticated()}. */
  public int currentLimit() {
    return limit;
  }

  /** The peer is authenticated: frames up to {@code max_frame_bytes}, no partial-frame deadline. */
  public void authenticated() {
    authenticated = true;
    limit = maxFrameBytes;
    cancelDeadline();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    if (in.readableBytes() < Wire.LENGTH_FIELD_BYTES) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length > limit) {
      in.skipBytes(in.readableBytes());
      throw new TooLongFrameException(
          "Adjusted frame length exceeds " + limit + ": " + length + " - discarded");
    }
    if (in.readableBytes() < Wire.LENGTH_FIELD_BYTES + length) {
      return;
    }
    in.skipBytes(Wire.LENGTH_FIELD_BYTES);
    ByteBuf frame = in.readSlice((int) length);
    frames++;
    out.add(toFrame(frame));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    super.channelRead(ctx, msg);
    watchPartialFrame();
  }

  /**
   * Starts the deadline when a frame's first bytes are buffered, restarts it when a new frame
   * began since, and cancels it when nothing is buffered.
   */
  private void watchPartialFrame() {
    if (authenticated || partialFrameTimeout == null || context == null) {
      return;
    }
    if (actualReadableBytes() == 0) {
      cancelDeadline();
      return;
    }
    if (partialDeadline != null && framesAtDeadline == frames) {
      return; // the same frame is still arriving: its deadline runs on
    }
    cancelDeadline();
    framesAtDeadline = frames;
    ChannelHandlerContext ctx = context;
    partialDeadline =
        ctx.executor()
            .schedule(
                () ->
                    Disconnector.disconnect(
                        ctx,
                        "a frame did not arrive whole within "
                            + partialFrameTimeout.toSeconds()
                            + " s of its first byte, before authentication"),
                partialFrameTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (partialDeadline != null) {
      partialDeadline.cancel(false);
      partialDeadline = null;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelDeadline();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
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
