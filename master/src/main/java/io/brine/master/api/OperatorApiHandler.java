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
import io.brine.vault.VaultException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each aggregated request to the {@link OperatorApi} on a vault executor thread, never on the
 * I/O thread (vault calls block on fsync, the HSM, or a first unseal's RSA key generation), and
 * writes the answer back.
 *
 * <p>One per connection, bound to one single-threaded executor: requests pipelined on a connection
 * are answered in the order they came, one at a time. A long poll ({@link ApiResponse#later})
 * holds no executor thread while it waits: its answer is computed and sent when it is ready.
 */
final class OperatorApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(OperatorApiHandler.class);

  private final OperatorApi api;
  private final EventExecutor vaultCalls;

  OperatorApiHandler(OperatorApi api, EventExecutor vaultCalls) {
    this.api = api;
    this.vaultCalls = vaultCalls;
  }

  /**
   * Requests read while one is being answered, answered in order after it (HTTP/1.1 pipelining).
   * Reading stops while any wait here, so a client cannot pile them up behind a long poll. Touched
   * on the event loop only.
   */
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();

  private boolean answering;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    request.retain(); // SimpleChannelInboundHandler releases it when this method returns
    if (answering) {
      queued.add(request);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    answer(ctx, request);
  }

  private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (request.decoderResult().isFailure()) {
      request.release();
      // The decoder discards everything after a bad request, so the connection ends here.
      HttpResponses.send(
          ctx, malformed(request.decoderResult().cause()), request.protocolVersion(), false, head);
      return;
    }
    answering = true;
    try {
      vaultCalls.execute(
          () -> {
            ApiResponse response;
            try {
              response = api.respond(request, ctx.channel().remoteAddress());
            } catch (RuntimeException e) {
              response = failed(e);
            }
            if (response.deferred() == null) {
              send(ctx, request, response, keepAlive && response != FAILED, head);
              return;
            }
            // A long poll: no thread waits; its answer is computed here once it is ready.
            ApiResponse.Deferred later = response.deferred();
            ctx.channel().closeFuture().addListener(f -> later.ready().cancel(false));
            later.ready().whenComplete((v, e) -> answerLater(ctx, request, later, keepAlive, head));
          });
    } catch (RejectedExecutionException e) {
      request.release(); // shutting down
      ctx.close();
    }
  }

  private void answerLater(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ApiResponse.Deferred later,
      boolean keepAlive,
      boolean head) {
    try {
      vaultCalls.execute(
          () -> {
            ApiResponse response;
            try {
              response = later.answer().answer();
            } catch (VaultException | RuntimeException e) {
              response = failed(e); // OperatorApi's answers map their own failures already
            }
            send(ctx, request, response, keepAlive && response != FAILED, head);
          });
    } catch (RejectedExecutionException e) {
      request.release(); // shutting down
      ctx.close();
    }
  }

  /** Writes the answer, then lets the next queued request in. Runs on the vault executor. */
  private void send(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ApiResponse response,
      boolean keepAlive,
      boolean head) {
    try {
      HttpResponses.send(ctx, response, request.protocolVersion(), keepAlive, head);
    } finally {
      wipe(request.content());
      request.release();
      ctx.executor().execute(() -> next(ctx));
    }
  }

  private void next(ChannelHandlerContext ctx) {
    answering = false;
    FullHttpRequest request = queued.poll();
    if (request == null) {
      ctx.channel().config().setAutoRead(true);
      return;
    }
    answer(ctx, request);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (FullHttpRequest request; (request = queued.poll()) != null; ) {
      request.release();
    }
    super.channelInactive(ctx);
  }

  /** The answer to an unexpected failure; the connection then closes. */
  private static final ApiResponse FAILED =
      ApiResponse.error(INTERNAL_SERVER_ERROR, "internal error");

  private static ApiResponse failed(Exception e) {
    // Never leave a client without an answer, nor lose this executor thread.
    log.warn("operator API request failed: {}", e.toString());
    log.debug("operator API request failure", e);
    return FAILED;
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
