package io.brine.master.api;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_URI_TOO_LONG;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each aggregated request to the {@link OperatorApi} on a vault executor thread, never on the
 * I/O thread (vault calls block on fsync, the HSM, or a first unseal's RSA key generation), and
 * writes the answer back.
 *
 * <p>One per connection, bound to one single-threaded executor: requests pipelined on a connection
 * are answered in the order they came.
 */
final class OperatorApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(OperatorApiHandler.class);

  private final OperatorApi api;
  private final EventExecutor vaultCalls;

  OperatorApiHandler(OperatorApi api, EventExecutor vaultCalls) {
    this.api = api;
    this.vaultCalls = vaultCalls;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (request.decoderResult().isFailure()) {
      // The decoder discards everything after a bad request, so the connection ends here.
      HttpResponses.send(
          ctx, malformed(request.decoderResult().cause()), request.protocolVersion(), false, head);
      return;
    }
    request.retain(); // SimpleChannelInboundHandler releases it when this method returns
    try {
      vaultCalls.execute(
          () -> {
            ApiResponse response;
            boolean keep = keepAlive;
            try {
              response = api.respond(request, ctx.channel().remoteAddress());
            } catch (RuntimeException e) {
              // Never leave a client without an answer, nor lose this executor thread.
              log.warn("operator API request failed: {}", e.toString());
              log.debug("operator API request failure", e);
              response = ApiResponse.error(INTERNAL_SERVER_ERROR, "internal error");
              keep = false;
            } finally {
              wipe(request.content());
              request.release();
            }
            HttpResponses.send(ctx, response, request.protocolVersion(), keep, head);
          });
    } catch (RejectedExecutionException e) {
      request.release(); // shutting down
      ctx.close();
    }
  }

  private static ApiResponse malformed(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return ApiResponse.error(REQUEST_URI_TOO_LONG, "request line too long");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return ApiResponse.error(REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
    }
    return ApiResponse.error(BAD_REQUEST, "malformed HTTP request");
  }

  /** Request bodies carry shares: zero the buffer before it goes back to the pool. */
  private static void wipe(ByteBuf content) {
    if (!content.isReadOnly() && content.writerIndex() > 0) {
      content.setZero(0, content.writerIndex());
    }
  }

  /** A client that goes away or speaks garbage (plain HTTP to the TLS port) costs a debug line. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A connection closed part-way through a request (by its client, or by RequestDeadlines for
    // being too slow, which has logged it already) leaves the aggregator's premature-closure error.
    if (cause instanceof IOException
        || cause instanceof DecoderException
        || cause instanceof PrematureChannelClosureException) {
      log.debug(
          "operator API connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn(
          "operator API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      log.debug("operator API connection failure", cause);
    }
    ctx.close();
  }
}
