package io.brine.cli;

import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Debug lines of the short-lived commands. Logback starts at the first logger anyone asks for and
 * reads its XML configuration then, which costs an operator command about a third of a second; a
 * debug line is only written when {@code --debug} or {@code BRINE_LOG=debug} raised the level
 * ({@link Brine#configureLogging} sets {@code brine.log.level} before anything logs), so without
 * that the logger is never asked for and logback never starts.
 */
public final class DebugLog {
  private DebugLog() {}

  /** Writes one debug line through SLF4J when the command runs at debug or trace level. */
  public static void debug(Class<?> source, String format, Object... arguments) {
    if (enabled()) {
      LoggerFactory.getLogger(source).debug(format, arguments);
    }
  }

  static boolean enabled() {
    String level = System.getProperty("brine.log.level", "").toUpperCase(Locale.ROOT);
    return level.equals("DEBUG") || level.equals("TRACE");
  }
}
