package io.brine.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogTextTest {
  @Test
  void plainText_isReturnedAsIs() {
    String id = "web1.example-01";
    assertThat(LogText.escape(id)).isSameAs(id);
  }

  @Test
  void lineBreaks_andTerminalEscapes_becomeVisible() {
    assertThat(LogText.escape("a\nb\r\u001b[31mc\u0085d\u2028e\u007f"))
        .isEqualTo("a\\u000ab\\u000d\\u001b[31mc\\u0085d\\u2028e\\u007f");
  }

  @Test
  void aBackslash_isDoubled_soAnEscapeCannotBeFaked() {
    assertThat(LogText.escape("x\\u000ay\n")).isEqualTo("x\\\\u000ay\\u000a");
  }

  @Test
  void surrogates_pairedAreKept_unpairedAreEscaped() {
    assertThat(LogText.escape("ok \uD83D\uDE00")).isEqualTo("ok \uD83D\uDE00");
    assertThat(LogText.escape("bad \uD800 end")).isEqualTo("bad \\ud800 end");
    assertThat(LogText.escape("bad \uDC00")).isEqualTo("bad \\udc00");
  }

  @Test
  void longText_isCut_andSaysHowMuch() {
    assertThat(LogText.escape("abcdefghij", 4)).isEqualTo("abcd...(6 more chars)");
    assertThat(LogText.escape(null)).isEqualTo("null");
  }

  @Test
  void throttledWarning_logsTheFirstAtOnce_thenOneLinePerIntervalWithACount() {
    Logger logger = (Logger) LoggerFactory.getLogger("throttle-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    AtomicLong now = new AtomicLong();
    ThrottledWarning warning = new ThrottledWarning(logger, Duration.ofSeconds(10), now::get);
    try {
      assertThat(warning.refused("refused one")).isTrue();
      for (int i = 0; i < 999; i++) {
        assertThat(warning.refused("refused again")).isFalse();
      }
      now.addAndGet(Duration.ofSeconds(10).toNanos());
      assertThat(warning.refused("refused later")).isTrue();

      assertThat(lines.list).hasSize(2);
      assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("refused one");
      assertThat(lines.list.get(1).getFormattedMessage())
          .isEqualTo("refused later (and 999 more like it in the last 10 s)");
      assertThat(warning.total()).isEqualTo(1001);
    } finally {
      logger.detachAppender(lines);
    }
  }
}
