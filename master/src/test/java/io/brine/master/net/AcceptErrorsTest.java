package io.brine.master.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.common.log.RefusalLog;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 14 saw 19 stack traces while accepts failed for want of file descriptors. The listening
 * socket's handler turns a run of accept failures into one line and a pause, and nothing reaches
 * the end of the pipeline (where Netty logs a stack trace). The socket's pipeline is an embedded
 * one here: the handler sees exactly the exceptionCaught events a server channel fires.
 */
class AcceptErrorsTest {
  @Test
  void acceptFailures_areOneLine_andPauseAccepting_forASecond() {
    Logger logger = (Logger) LoggerFactory.getLogger(AcceptErrorsTest.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    EmbeddedChannel server = new EmbeddedChannel();
    try {
      RefusalLog log =
          new RefusalLog(logger, "cannot accept", Duration.ofSeconds(10), server.eventLoop());
      server.pipeline().addLast(new AcceptErrors(log));

      for (int i = 0; i < 100; i++) {
        server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
      }

      server.checkException(); // throws if any reached the tail
      assertThat(logged.list).hasSize(1);
      assertThat(logged.list.get(0).getFormattedMessage())
          .isEqualTo("cannot accept (Too many open files); accepting again in 1000 ms");
      assertThat(logged.list.get(0).getThrowableProxy()).isNull();
      assertThat(server.config().isAutoRead()).isFalse();

      server.advanceTimeBy(AcceptErrors.PAUSE_MILLIS, TimeUnit.MILLISECONDS);
      server.runScheduledPendingTasks();
      assertThat(server.config().isAutoRead()).isTrue();
    } finally {
      logger.detachAppender(logged);
      server.finishAndReleaseAll();
    }
  }
}
