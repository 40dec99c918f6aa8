package io.brine.master.api;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator with the operator API's answer to a body over the limit: 413 with a JSON
 * error, like every other answer, instead of Netty's empty one. The connection decisions are
 * Netty's: a request whose Content-Length is too big is refused before its body is read, and the
 * connection stays open (the aggregator skips the body) when the client asked for keep-alive; a
 * body found too big part-way through closes the connection. One per channel: it is stateful.
 */
final class BoundedRequestAggregator extends HttpObjectAggregator {
  static final String TOO_LARGE = "request body too large";

  BoundedRequestAggregator(int maxRequestBytes) {
    super(maxRequestBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (!(oversized instanceof HttpRequest)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    boolean keepAlive =
        !(oversized instanceof FullHttpMessage)
            && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
    ctx.writeAndFlush(tooLarge(oversized, keepAlive))
        .addListener(
            keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
  }

  /** The answer to {@code Expect: 100-continue} with too big a Content-Length, as JSON too. */
  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof HttpResponse
        && ((HttpResponse) response).status().code()
            == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      ReferenceCountUtil.release(response);
      return tooLarge(start, HttpUtil.isKeepAlive(start));
    }
    return response;
  }

  private static Object tooLarge(HttpMessage request, boolean keepAlive) {
    return HttpResponses.toHttp(
        ApiResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, TOO_LARGE),
        request.protocolVersion(),
        keepAlive,
        false);
  }
}
