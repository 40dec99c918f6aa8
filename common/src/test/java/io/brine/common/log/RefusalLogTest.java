package io.brine.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood of refusals is one line at once and one count per interval, never a line each. */
class RefusalLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLogTest.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
    timer.shutdownNow();
  }

  private List<String> lines() {
    synchronized (logged.list) {
      return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private void awaitLines(int n) throws InterruptedException {
    for (long end = System.nanoTime() + 10_000_000_000L;
        lines().size() < n && System.nanoTime() < end; ) {
      Thread.sleep(20);
    }
  }

  @Test
  void theFirstIsLoggedAtOnce_theRestCountedAtTheEndOfTheInterval() throws Exception {
    RefusalLog log = new RefusalLog(logger, "refused", Duration.ofMillis(200), timer);

    for (int i = 0; i < 20_000; i++) {
      log.refused("from 10.0.0." + (i % 250));
    }
    assertThat(lines()).containsExactly("refused from 10.0.0.0");
    awaitLines(2);

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1))
        .isEqualTo("refused: 19999 more in the last 200 ms, the last from 10.0.0.249");
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));

    // A quiet interval closes the window: the next refusal is logged at once again.
    Thread.sleep(600);
    log.refused("from 10.0.0.9");
    assertThat(lines()).hasSize(3).last().isEqualTo("refused from 10.0.0.9");
  }

  @Test
  void atInfo_floodsOfOrdinaryEventsAreSummarizedTheSameWay() throws Exception {
    RefusalLog log =
        new RefusalLog(
            logger, org.slf4j.event.Level.INFO, "handed again", Duration.ofMillis(200), timer);

    Level before = logger.getLevel();
    logger.setLevel(Level.INFO); // the tests' configuration logs WARN and above
    try {
      for (int i = 0; i < 3_300; i++) {
        log.occurred("(m" + i + ": 1)");
      }
      awaitLines(2);
    } finally {
      logger.setLevel(before);
    }

    assertThat(lines())
        .containsExactly(
            "handed again (m0: 1)",
            "handed again: 3299 more in the last 200 ms, the last (m3299: 1)");
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
  }

  @Test
  void peerText_isEscapedAndCut() {
    assertThat(RefusalLog.shown("/v1/sys/seal\n2026 INFO forged line\u001b[31m"))
        .isEqualTo("/v1/sys/seal\\u000a2026 INFO forged line\\u001b[31m");
    assertThat(RefusalLog.shown("x".repeat(500))).isEqualTo("x".repeat(80) + "...(420 more chars)");
    assertThat(RefusalLog.shown(null)).isEqualTo("(none)");
  }
}
