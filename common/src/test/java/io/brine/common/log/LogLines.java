package io.brine.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The lines one class logs while a test runs, at INFO and up as the shipped config shows them
 * (the tests' own config shows WARN only); kept off the console meanwhile.
 */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final boolean additive;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    level = logger.getLevel();
    additive = logger.isAdditive();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
  }

  public static LogLines of(Class<?> source) {
    return new LogLines(source);
  }

  /** Lines at INFO or above whose text contains {@code text}. */
  public List<String> containing(String text) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
          .map(e -> e.getLevel() + " " + e.getFormattedMessage())
          .filter(line -> line.contains(text))
          .toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
    logger.setAdditive(additive);
  }
}
