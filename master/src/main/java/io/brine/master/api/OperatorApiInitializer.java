package io.brine.master.api;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.VaultConfig.ApiLimits;
import io.brine.master.cp.StagedFiles;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetAddress;
import org.slf4j.LoggerFactory;

/** The operator API's pipeline, one connection at a time, in the order bytes travel through it. */
final class OperatorApiInitializer extends ChannelInitializer<SocketChannel> {
  static final String TLS = "tls";
  static final String REQUEST_START = "request-start";
  static final String HTTP = "http";
  static final String DEADLINES = "deadlines";
  static final String CP_GATE = "cp-gate";
  static final String AGGREGATOR = "aggregator";
  static final String CP_AGGREGATOR = "cp-aggregator";
  static final String API = "api";

  private final SslContext ssl;
  private final int maxRequestBytes;
  private final ApiLimits limits;
  private final ConnectionLimits connections;
  private final Refusals refusals;
  private final EventExecutorGroup vaultCalls;
  private final OperatorApi api;
  private final int cpChunkLimit;
  private volatile CpUploadGate.Budget cpBudget;

  /** The log lines of refused and closed connections, one per cause and interval. */
  record Refusals(RefusalLog tooMany, RefusalLog tooManyFromAddress, RefusalLog tooSlow) {}

  /**
   * @param ssl the server's TLS context, or null for plain HTTP
   * @param connections the connections open now, shared by every connection
   * @param vaultCalls where the API's vault calls run: off the I/O threads, since they block
   * @param api what answers requests, shared by every connection
   */
  OperatorApiInitializer(
      SslContext ssl,
      int maxRequestBytes,
      ApiLimits limits,
      ConnectionLimits connections,
      Refusals refusals,
      EventExecutorGroup vaultCalls,
      OperatorApi api) {
    this.ssl = ssl;
    this.maxRequestBytes = maxRequestBytes;
    this.limits = limits;
    this.connections = connections;
    this.refusals = refusals;
    this.vaultCalls = vaultCalls;
    this.api = api;
    this.cpChunkLimit = StagedFiles.chunkFor(maxRequestBytes);
  }

  /**
   * Large cp chunk bodies held at once across every connection: {@value #CP_CHUNKS_AT_ONCE}
   * chunks, enough for a few uploads' requests in flight.
   */
  static final int CP_CHUNKS_AT_ONCE = 16;

  /** Made on the first connection, for the event loops that schedule its log windows. */
  private CpUploadGate.Budget cpBudget(SocketChannel ch) {
    CpUploadGate.Budget budget = cpBudget;
    if (budget == null) {
      synchronized (this) {
        if (cpBudget == null) {
          cpBudget =
              new CpUploadGate.Budget(
                  (long) CP_CHUNKS_AT_ONCE * cpChunkLimit,
                  new RefusalLog(
                      LoggerFactory.getLogger(CpUploadGate.class),
                      "operator API: cp upload refused, too many chunks in flight",
                      RefusalLog.DEFAULT_INTERVAL,
                      ch.eventLoop().parent()));
        }
        budget = cpBudget;
      }
    }
    return budget;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    // Anyone who can reach the API may open connections: beyond the caps a connection is closed
    // before anything is read from it, with one line per cause and interval.
    InetAddress peer = ch.remoteAddress().getAddress();
    ConnectionLimits.Refusal refusal = connections.tryOpen(peer);
    if (refusal != null) {
      (refusal == ConnectionLimits.Refusal.TOTAL
              ? refusals.tooMany()
              : refusals.tooManyFromAddress())
          .refused("from " + ch.remoteAddress());
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> connections.closed(ch, peer));
    ChannelPipeline p = ch.pipeline();
    // Deadlines that run from a request's first byte, not renewed by each byte (slowloris).
    RequestDeadlines deadlines = new RequestDeadlines(limits, refusals.tooSlow(), connections);
    // TLS first, when configured: everything after it sees plain HTTP. Its handshake is part of
    // the first request's time.
    if (ssl != null) {
      p.addLast(TLS, ssl.newHandler(ch.alloc()));
    }
    p.addLast(REQUEST_START, deadlines.bytes());
    // HTTP/1.1 framing, with Netty's caps on the request line (4 KiB) and headers (8 KiB).
    p.addLast(HTTP, new HttpServerCodec());
    p.addLast(DEADLINES, deadlines.messages());
    // A brine cp chunk of raw bytes may be larger than max_request_bytes: the gate sends it past
    // the first aggregator to the second, within a budget shared by every connection.
    if (cpChunkLimit > maxRequestBytes) {
      p.addLast(
          CP_GATE, new CpUploadGate(cpBudget(ch), maxRequestBytes, cpChunkLimit, AGGREGATOR));
    }
    // One FullHttpRequest per request; a body over the limit is answered 413, never buffered.
    // New per connection: the aggregator holds the request being read.
    p.addLast(AGGREGATOR, new BoundedRequestAggregator(maxRequestBytes));
    if (cpChunkLimit > maxRequestBytes) {
      // Sees only what the gate lets through; requests the first one aggregated pass it as they
      // are (Netty's aggregators leave a FullHttpRequest alone).
      p.addLast(CP_AGGREGATOR, new BoundedRequestAggregator(cpChunkLimit));
    }
    // The API. New per connection: it binds the connection to one vault executor thread, so
    // pipelined requests are answered in order.
    p.addLast(API, new OperatorApiHandler(api, vaultCalls.next()));
  }
}
