package io.brine.common.log;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One WARN line per cause of refusal, however many refusals a flood makes: the first refusal is
 * logged at once; those that follow within {@link #interval} are counted, and when the interval
 * ends one line says how many there were and shows the last. A flood of 20,000 wrong tokens in 2.5
 * s is then two lines, not 20,000, and not none.
 *
 * <p>Details are built by the caller from peer-supplied text passed through {@link #shown}, never
 * raw: a path or header may hold newlines or terminal escapes. Thread-safe.
 */
public final class RefusalLog {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** Most characters of a peer's text a line shows. */
  private static final int SHOWN_CHARS = 80;

  private final Logger log;
  private final Level level;
  private final String cause;
  private final Duration interval;
  private final ScheduledExecutorService timer;

  private boolean windowOpen;
  private long suppressed;
  private String lastDetail;

  /**
   * @param cause what was refused, the start of every line, e.g. "operator API: wrong token"
   * @param timer where the end of an interval is scheduled (the API's I/O event loop)
   */
  public RefusalLog(
      Logger log, String cause, Duration interval, ScheduledExecutorService timer) {
    this(log, Level.WARN, cause, interval, timer);
  }

  /**
   * The same windows at another level: for events that are not refusals but come in floods all the
   * same (a third of a fleet failing over to this master at once), logged at INFO.
   */
  public RefusalLog(
      Logger log, Level level, String cause, Duration interval, ScheduledExecutorService timer) {
    this.log = log;
    this.level = level;
    this.cause = cause;
    this.interval = interval;
    this.timer = timer;
  }

  /** One refusal; {@code detail} says whose and what, e.g. "from 10.0.0.7 for PUT /v1/sys/seal". */
  public void refused(String detail) {
    occurred(detail);
  }

  /** One event of a kind that is not a refusal (the INFO form): logged as {@link #refused} is. */
  public void occurred(String detail) {
    synchronized (this) {
      if (windowOpen) {
        suppressed++;
        lastDetail = detail;
        return;
      }
      openWindow();
    }
    log.atLevel(level).log("{} {}", cause, detail);
  }

  private void openWindow() {
    windowOpen = true;
    suppressed = 0;
    timer.schedule(this::endOfWindow, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Says how many were not logged; a flood still going keeps the window open for one more. */
  private void endOfWindow() {
    long count;
    String detail;
    synchronized (this) {
      count = suppressed;
      detail = lastDetail;
      if (count == 0) {
        windowOpen = false;
        return;
      }
      openWindow();
    }
    long ms = interval.toMillis();
    log.atLevel(level).log(
        "{}: {} more in the last {}, the last {}",
        cause,
        count,
        ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms",
        detail);
  }

  /** Peer-supplied text as a log line may show it: escaped ({@link LogText}), cut short. */
  public static String shown(String peerText) {
    return peerText == null ? "(none)" : LogText.escape(peerText, SHOWN_CHARS);
  }
}
