package io.brine.master.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns an {@link ApiResponse} into HTTP. Every response is {@code application/json} and {@code
 * Cache-Control: no-store} (init and generate-root answers carry shares and tokens); the connection
 * stays open when the client asked for keep-alive.
 */
final class HttpResponses {
  private HttpResponses() {}

  /** Writes the response, closing the connection afterwards unless {@code keepAlive}. */
  static void send(
      ChannelHandlerContext ctx,
      ApiResponse response,
      HttpVersion version,
      boolean keepAlive,
      boolean head) {
    ChannelFuture written = ctx.writeAndFlush(toHttp(response, version, keepAlive, head));
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * @param head a HEAD request: the headers of the full answer, with no body
   */
  static FullHttpResponse toHttp(
      ApiResponse response, HttpVersion version, boolean keepAlive, boolean head) {
    HttpResponseStatus status = response.status();
    boolean bodyless = status.code() == 204 || status.code() == 304;
    byte[] json =
        bodyless || response.body() == null ? new byte[0] : ApiJson.bytes(response.body());
    ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json);
    FullHttpResponse http = new DefaultFullHttpResponse(version, status, content);
    HttpHeaders headers = http.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (!bodyless) {
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    }
    if (response.allow() != null) {
      headers.set(HttpHeaderNames.ALLOW, response.allow());
    }
    if (response.location() != null) {
      headers.set(HttpHeaderNames.LOCATION, response.location());
    }
    HttpUtil.setKeepAlive(http, keepAlive);
    return http;
  }
}
