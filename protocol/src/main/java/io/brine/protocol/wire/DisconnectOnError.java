package io.brine.protocol.wire;

import io.brine.protocol.ProtocolException;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * The last handler of every pipeline: any exception that reaches it closes the connection through
 * {@link Disconnector}, with a reason taken from the exception. Sharable: it has no state.
 */
@Sharable
public final class DisconnectOnError extends ChannelInboundHandlerAdapter {
  public static final DisconnectOnError INSTANCE = new DisconnectOnError();

  private DisconnectOnError() {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Disconnector.disconnect(ctx, reason(cause), cause);
  }

  static String reason(Throwable cause) {
    Throwable c = cause;
    if (c instanceof DecoderException
        && !(c instanceof TooLongFrameException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof ProtocolException) {
      return c.getMessage();
    }
    if (c instanceof TooLongFrameException) {
      return "frame too long (" + c.getMessage() + ")";
    }
    if (c instanceof DecoderException) {
      return "malformed frame (" + c.getMessage() + ")";
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
