package io.brine.master.net;

import io.brine.common.log.RefusalLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * On a listening socket (the operator API's and the minion listener's): when accepting fails (out of file descriptors, typically, when
 * something else in the process holds them all), one rate-limited line says so and accepting pauses
 * for a second, as Netty's own acceptor would, instead of a stack trace per failed accept (issue 14
 * saw 19 while 1,100 idle connections held the descriptors). The pause lets connections close and
 * keeps the event loop from spinning on a socket it cannot accept from.
 */
@ChannelHandler.Sharable
public final class AcceptErrors extends ChannelInboundHandlerAdapter {
  static final long PAUSE_MILLIS = 1_000;

  private final RefusalLog log;

  public AcceptErrors(RefusalLog log) {
    this.log = log;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.refused(
        "("
            + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName())
            + "); accepting again in "
            + PAUSE_MILLIS
            + " ms");
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      ctx.executor()
          .schedule(
              () -> {
                ctx.channel().config().setAutoRead(true);
              },
              PAUSE_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }
}
