package io.brine.master.pki;

import static io.brine.master.pki.TestKeys.A;
import static io.brine.master.pki.TestKeys.B;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.protocol.MinionId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The operator reads what happened to each key in the log: one INFO line each, never a key. */
class TransitionLogTest {
  private static final MinionId WEB1 = MinionId.of("web1");

  @TempDir Path pkiDir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(PkiDirectory.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level previous;

  @BeforeEach
  void capture() {
    previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }

  private List<String> infoLines() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void everyTransition_logsOneInfoLine_withoutTheKey() throws Exception {
    PkiDirectory pki = PkiDirectory.open(pkiDir);

    pki.authorize(WEB1, A); // pending
    pki.authorize(WEB1, A); // still pending: no line
    pki.authorize(WEB1, B); // denied
    pki.authorize(WEB1, B); // denied again with the same key: no line
    pki.accept(List.of(WEB1), false, false);
    pki.authorize(WEB1, A); // accepted already: no line
    pki.reject(List.of(WEB1), true, false);
    pki.delete(List.of(WEB1));

    assertThat(infoLines())
        .containsExactly(
            "key for minion web1 pending",
            "key for minion web1 denied",
            "key for minion web1 accepted",
            "key for minion web1 rejected",
            "key for minion web1 deleted (was rejected)",
            "key for minion web1 deleted (was denied)");
    assertThat(appender.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("BEGIN", "MII"));
  }
}
