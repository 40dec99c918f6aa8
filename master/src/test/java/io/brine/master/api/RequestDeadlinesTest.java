package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.VaultConfig.ApiLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The deadlines on the API's pipeline (deadlines, codec, bounded aggregator) on an embedded channel
 * whose clock the test moves: the cases a loopback test cannot reach in seconds.
 * ApiResourceLimitsTest has the attacks over real sockets.
 */
class RequestDeadlinesTest {
  private static final ApiLimits LIMITS =
      new ApiLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300), 8, 8);

  private EmbeddedChannel ch;

  @BeforeEach
  void pipeline() {
    ch = new EmbeddedChannel();
    RequestDeadlines deadlines =
        new RequestDeadlines(
            LIMITS,
            new RefusalLog(
                LoggerFactory.getLogger(RequestDeadlinesTest.class),
                "slow",
                Duration.ofSeconds(10),
                ch.eventLoop()));
    ch.pipeline()
        .addLast(deadlines.bytes(), new HttpServerCodec(), deadlines.messages())
        .addLast(new BoundedRequestAggregator(16));
    ch.pipeline().fireChannelActive();
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private void send(String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  private void after(long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  private String written() {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out.toString();
  }

  @Test
  void aConnectionThatSendsNothing_isClosedAtTheHeaderDeadline() {
    after(9);
    assertThat(ch.isOpen()).isTrue();
    after(1);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void bytesDoNotRenewTheDeadline() {
    send("GET /v1/sys/health HTTP/1.1\r\n");
    for (int i = 0; i < 9; i++) {
      after(1);
      send("X");
    }
    assertThat(ch.isOpen()).isTrue();
    after(1);
    assertThat(ch.isOpen()).as("10 s after the first byte, whatever came since").isFalse();
  }

  @Test
  void aRequestAnsweredBeforeItsBody_413_leavesTheIdleDeadline() {
    send("PUT /v1/sys/unseal HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    assertThat(written()).startsWith("HTTP/1.1 413 ");
    send("x".repeat(100));
    after(299);
    assertThat(ch.isOpen()).as("the request and body deadlines were cancelled").isTrue();
    after(1);
    assertThat(ch.isOpen()).as("idle since its answer").isFalse();
  }
}
