package io.brine.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CloseLinesTest {
  @Test
  void aFloodOfCloses_isABurstOfLines_thenOneSummary_andLinesComeBackAsTheBucketRefills()
      throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("close-lines-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    AtomicLong now = new AtomicLong();
    CloseLines closes = new CloseLines(logger, now::get, 1);
    EventLoop loop = new DefaultEventLoop();
    try {
      for (int i = 0; i < 43_050; i++) {
        closes.closing("closing connection /192.0.2.7:" + i + ": protocol version 9", loop);
      }
      assertThat(lines.list).hasSize(CloseLines.BURST);
      // The summary comes a second later here (SUMMARY_SECONDS in the master), on the event loop.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (lines.list.size() == CloseLines.BURST && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(lines.list).hasSize(CloseLines.BURST + 1);
      assertThat(lines.list.get(CloseLines.BURST).getFormattedMessage())
          .startsWith((43_050 - CloseLines.BURST) + " more connections closed")
          .endsWith("/192.0.2.7:43049: protocol version 9");

      now.addAndGet(TimeUnit.SECONDS.toNanos(1)); // a second later: PER_SECOND lines again
      for (int i = 0; i < CloseLines.PER_SECOND; i++) {
        closes.closing("closing connection again", loop);
      }
      assertThat(lines.list).hasSize(CloseLines.BURST + 1 + CloseLines.PER_SECOND);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      logger.detachAppender(lines);
    }
  }
}
