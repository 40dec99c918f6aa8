package io.brine.master.api;

import io.brine.common.log.RefusalLog;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Lets a {@code brine cp} upload chunk (raw bytes, up to the staged files' chunk size) past the
 * API's {@code max_request_bytes}, and nothing else. Every request goes to the aggregator of the
 * API's limit, except one that declares, in its headers, all of: {@code PUT|POST
 * /v1/brine/cp/<id>}, {@code Content-Type: application/octet-stream}, a token header, a
 * Content-Length above the API's limit and within the chunk limit. That one skips to a second
 * aggregator whose limit is the chunk size, if the {@link Budget} shared by every connection has
 * room for its length, else it is answered 503 and its body dropped unread.
 *
 * <p>The token is checked as for every request, after the body is in (the one request path), so a
 * stranger who sends a made-up token can make the master hold at most the budget across all
 * connections, each for at most the request deadline ({@code http_read_timeout}); without a token
 * header, or with a body over the chunk limit, the answer is 413 before any of the body is read.
 * The budget is given back when the request's answer is written or its connection closes.
 */
final class CpUploadGate extends ChannelDuplexHandler {
  private static final Pattern CHUNK_PATH = Pattern.compile("/v1/brine/cp/[0-9a-f]{32}");

  /** Bytes of large cp bodies the API holds at once, across connections. */
  static final class Budget {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();
    private final RefusalLog full;

    Budget(long capacity, RefusalLog full) {
      this.capacity = capacity;
      this.full = full;
    }

    boolean tryHold(long bytes) {
      while (true) {
        long now = held.get();
        if (now + bytes > capacity) {
          return false;
        }
        if (held.compareAndSet(now, now + bytes)) {
          return true;
        }
      }
    }

    void giveBack(long bytes) {
      held.addAndGet(-bytes);
    }

    long held() {
      return held.get();
    }
  }

  private final Budget budget;
  private final int apiLimit;
  private final int chunkLimit;
  private final String defaultAggregator;

  /** The request being read skips the default aggregator. */
  private boolean bypassing;
  /** The request being read is refused: its content is dropped. */
  private boolean dropping;
  /**
   * Budget held by this connection, one entry per request read and not answered yet (0 for a
   * request that holds none), oldest first: requests are answered in order.
   */
  private final ArrayDeque<Long> holding = new ArrayDeque<>();

  /**
   * @param defaultAggregator the pipeline name of the aggregator of the API's limit, right after
   *     this handler; a large cp chunk is passed to the handler after it
   */
  CpUploadGate(Budget budget, int apiLimit, int chunkLimit, String defaultAggregator) {
    this.budget = budget;
    this.apiLimit = apiLimit;
    this.chunkLimit = chunkLimit;
    this.defaultAggregator = defaultAggregator;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest request) {
      bypassing = false;
      dropping = false;
      long length = largeChunkLength(request);
      if (length == 0) {
        holding.add(0L);
      } else {
        if (budget.tryHold(length)) {
          holding.add(length);
          bypassing = true;
        } else {
          budget.full.refused("from " + ctx.channel().remoteAddress() + " (" + length + " bytes)");
          dropping = true;
          holding.add(0L);
          ctx.writeAndFlush(
              HttpResponses.toHttp(
                  ApiResponse.error(
                      HttpResponseStatus.SERVICE_UNAVAILABLE,
                      "too many cp uploads in flight; try again"),
                  request.protocolVersion(),
                  HttpUtil.isKeepAlive(request),
                  false));
        }
      }
    }
    boolean last = msg instanceof LastHttpContent;
    if (dropping) {
      ReferenceCountUtil.release(msg);
      // The request was answered, but the deadlines handler still sees its end (it is before
      // this one): nothing to do here but forget the content.
    } else if (bypassing) {
      ctx.pipeline().context(defaultAggregator).fireChannelRead(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
    if (last) {
      bypassing = false;
      dropping = false;
    }
  }

  /** The declared length of a cp chunk that needs more than the API's limit, else 0. */
  private long largeChunkLength(HttpRequest request) {
    if (!(HttpMethod.PUT.equals(request.method()) || HttpMethod.POST.equals(request.method()))
        || HttpUtil.isTransferEncodingChunked(request)
        || !ApiRequest.isOctetStream(request)
        || ApiRequest.token(request) == null) {
      return 0;
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length <= apiLimit || length > chunkLimit) {
      return 0;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    return CHUNK_PATH.matcher(query < 0 ? uri : uri.substring(0, query)).matches() ? length : 0;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      Long held = holding.poll();
      if (held != null && held > 0) {
        budget.giveBack(held);
      }
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    giveBack();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    giveBack();
  }

  private void giveBack() {
    for (Long held; (held = holding.poll()) != null; ) {
      budget.giveBack(held);
    }
  }
}
