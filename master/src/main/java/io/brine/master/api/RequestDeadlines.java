package io.brine.master.api;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.VaultConfig.ApiLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time a connection may take to send a request, and to stay open with none. Netty's
 * ReadTimeoutHandler restarts at every byte, so a client sending one byte every 20 s held a
 * connection for ever (issue 14's slowloris). Here each deadline runs from a fixed start and only
 * the event it waits for cancels it:
 *
 * <ul>
 *   <li>a request starts at its first byte (the connection's start for the first one, so a TLS
 *       handshake counts); its headers must be in within {@code http_read_header_timeout} and the
 *       whole request, body included, within {@code http_read_timeout};
 *   <li>once every request read is answered, the connection is idle: closed after {@code
 *       http_idle_timeout} unless a new request starts. While a request is being answered no
 *       deadline runs: that time is the master's, not the client's.
 * </ul>
 *
 * <p>Two handlers share one per-connection state: {@link #bytes} before the HTTP codec sees the
 * first byte of a request, {@link #messages} after it sees the decoded headers and end of each
 * request and the answers going out. Bytes of a pipelined request that arrive together with the end
 * of the one before are held by the codec until the idle deadline at most. Everything runs on the
 * connection's event loop.
 */
final class RequestDeadlines {
  private final ApiLimits limits;
  private final RefusalLog slow;

  private ScheduledFuture<?> headerDeadline;
  private ScheduledFuture<?> requestDeadline;
  private ScheduledFuture<?> idleDeadline;
  private boolean reading;
  private long requestsRead;
  private long answersWritten;

  /** Told when a connection becomes idle or busy: idle ones may make room for new ones. */
  interface IdleWatch {
    IdleWatch NONE =
        new IdleWatch() {
          @Override
          public void idle(Channel channel) {}

          @Override
          public void busy(Channel channel) {}
        };

    void idle(Channel channel);

    void busy(Channel channel);
  }

  private final IdleWatch watch;

  /** @param slow where a connection closed for slowness is counted (one line per interval) */
  RequestDeadlines(ApiLimits limits, RefusalLog slow) {
    this(limits, slow, IdleWatch.NONE);
  }

  RequestDeadlines(ApiLimits limits, RefusalLog slow, IdleWatch watch) {
    this.limits = limits;
    this.slow = slow;
    this.watch = watch;
  }

  /** Goes before the HTTP codec (after TLS): a request's first byte starts its deadlines. */
  ChannelInboundHandlerAdapter bytes() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) throws Exception {
        requestStarts(ctx);
        super.channelActive(ctx);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!reading && msg instanceof ByteBuf b && b.isReadable()) {
          requestStarts(ctx);
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelAll();
        super.channelInactive(ctx);
      }
    };
  }

  /** Goes after the HTTP codec: headers, end of request, and answers. */
  ChannelDuplexHandler messages() {
    return new ChannelDuplexHandler() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
          headerDeadline = cancel(headerDeadline);
        }
        if (msg instanceof LastHttpContent) { // a FullHttpRequest (a decoder failure) is one too
          requestDeadline = cancel(requestDeadline);
          reading = false;
          requestsRead++;
          // Answered already: the aggregator answers 413 on the headers, then skips the body.
          if (answersWritten >= requestsRead) {
            becomeIdle(ctx);
          }
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
          throws Exception {
        // Every answer is one FullHttpResponse; "100 Continue" is not an answer.
        if (msg instanceof FullHttpResponse r
            && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
          answersWritten++;
          if (!reading && answersWritten >= requestsRead) {
            becomeIdle(ctx);
          }
        }
        super.write(ctx, msg, promise);
      }
    };
  }

  private void becomeIdle(ChannelHandlerContext ctx) {
    idleDeadline = schedule(ctx, limits.idleTimeout().toMillis(), null);
    watch.idle(ctx.channel());
  }

  private void requestStarts(ChannelHandlerContext ctx) {
    reading = true;
    idleDeadline = cancel(idleDeadline);
    watch.busy(ctx.channel());
    headerDeadline = schedule(ctx, limits.readHeaderTimeout().toMillis(), "request headers");
    requestDeadline = schedule(ctx, limits.readTimeout().toMillis(), "whole request");
  }

  /** @param what the part that was late, or null for the idle deadline (not a refusal) */
  private ScheduledFuture<?> schedule(ChannelHandlerContext ctx, long millis, String what) {
    return ctx.executor()
        .schedule(
            () -> {
              if (what != null) {
                slow.refused(
                    "from "
                        + ctx.channel().remoteAddress()
                        + " (no "
                        + what
                        + " within "
                        + (millis / 1000)
                        + " s)");
              }
              ctx.close();
            },
            millis,
            TimeUnit.MILLISECONDS);
  }

  private void cancelAll() {
    headerDeadline = cancel(headerDeadline);
    requestDeadline = cancel(requestDeadline);
    idleDeadline = cancel(idleDeadline);
  }

  private static ScheduledFuture<?> cancel(ScheduledFuture<?> deadline) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    return null;
  }
}
