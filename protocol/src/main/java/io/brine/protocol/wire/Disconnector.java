package io.brine.protocol.wire;

import io.brine.common.log.LogText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a connection is closed for cause. It logs once per connection at WARN (later calls
 * for a connection already closing stay silent), puts the stack trace at DEBUG, and closes the
 * channel. Only this connection is affected; the server keeps serving the others. A flood of
 * closes is summarized rather than logged line by line ({@link CloseLines}).
 */
public final class Disconnector {
  private static final Logger LOG = LoggerFactory.getLogger(Disconnector.class);
  private static final AttributeKey<Boolean> CLOSING =
      AttributeKey.valueOf(Disconnector.class, "closing");
  private static final CloseLines LINES = new CloseLines(LOG, System::nanoTime);

  private Disconnector() {}

  public static void disconnect(ChannelHandlerContext ctx, String reason) {
    disconnect(ctx.channel(), reason, null);
  }

  public static void disconnect(ChannelHandlerContext ctx, String reason, Throwable cause) {
    disconnect(ctx.channel(), reason, cause);
  }

  public static void disconnect(Channel channel, String reason, Throwable cause) {
    if (channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) == null) {
      // The reason often quotes the peer (its id, a parser's view of its bytes): escaped, so a
      // stranger cannot forge log lines.
      LINES.closing(
          "closing connection " + channel.remoteAddress() + ": " + LogText.escape(reason),
          channel.eventLoop());
      if (cause != null) {
        LOG.debug("closing connection {}: stack trace", channel.remoteAddress(), cause);
      }
    }
    channel.close();
  }
}
