package io.brine.master.api;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutorGroup;

/** The operator API's pipeline, one connection at a time, in the order bytes travel through it. */
final class OperatorApiInitializer extends ChannelInitializer<SocketChannel> {
  static final String IDLE = "idle";
  static final int IDLE_SECONDS = 30;
  static final String TLS = "tls";
  static final String HTTP = "http";
  static final String AGGREGATOR = "aggregator";
  static final String API = "api";

  private final SslContext ssl;
  private final int maxRequestBytes;
  private final EventExecutorGroup vaultCalls;
  private final OperatorApi api;

  /**
   * @param ssl the server's TLS context, or null for plain HTTP
   * @param vaultCalls where the API's vault calls run: off the I/O threads, since they block
   * @param api what answers requests, shared by every connection
   */
  OperatorApiInitializer(
      SslContext ssl, int maxRequestBytes, EventExecutorGroup vaultCalls, OperatorApi api) {
    this.ssl = ssl;
    this.maxRequestBytes = maxRequestBytes;
    this.vaultCalls = vaultCalls;
    this.api = api;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // A connection that sends nothing for 30 s (a stalled TLS handshake included) is closed:
    // idle sockets and half-read requests are not free, and anyone may open one.
    p.addLast(IDLE, new ReadTimeoutHandler(IDLE_SECONDS));
    // TLS first, when configured: everything after it sees plain HTTP.
    if (ssl != null) {
      p.addLast(TLS, ssl.newHandler(ch.alloc()));
    }
    // HTTP/1.1 framing, with Netty's caps on the request line (4 KiB) and headers (8 KiB).
    p.addLast(HTTP, new HttpServerCodec());
    // One FullHttpRequest per request; a body over the limit is answered 413, never buffered.
    // New per connection: the aggregator holds the request being read.
    p.addLast(AGGREGATOR, new BoundedRequestAggregator(maxRequestBytes));
    // The API. New per connection: it binds the connection to one vault executor thread, so
    // pipelined requests are answered in order.
    p.addLast(API, new OperatorApiHandler(api, vaultCalls.next()));
  }
}
