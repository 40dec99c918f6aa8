package io.brine.common.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One WARN line for a kind of refusal that a stranger can repeat at will (a connection over a
 * cap, a wrong token): the first at once, then at most one per interval, which says how many were
 * refused since the last line. A flood costs the log a line every few seconds, and the operator
 * still sees that it happens and how much. Thread-safe.
 */
public final class ThrottledWarning {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong nextLineAt;

  public ThrottledWarning(Logger log) {
    this(log, DEFAULT_INTERVAL, System::nanoTime);
  }

  public ThrottledWarning(Logger log, Duration interval, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
    this.nextLineAt = new AtomicLong(nanoClock.getAsLong());
  }

  /**
   * Counts one refusal and logs it when a line is due.
   *
   * @param message what happened, already safe for a log ({@link LogText#escape} on peer text)
   * @return whether a line was written
   */
  public boolean refused(String message) {
    total.incrementAndGet();
    long now = clock.getAsLong();
    long due = nextLineAt.get();
    if (now - due < 0 || !nextLineAt.compareAndSet(due, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    long more = suppressed.getAndSet(0);
    if (more == 0) {
      log.warn("{}", message);
    } else {
      log.warn(
          "{} (and {} more like it in the last {} s)",
          message,
          more,
          Math.max(1, intervalNanos / 1_000_000_000L));
    }
    return true;
  }

  /** Refusals counted since the start. */
  public long total() {
    return total.get();
  }
}
