package io.brine.protocol.wire;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * How many "closing connection" lines the log takes: a bucket of {@link #BURST} lines that refills
 * at {@link #PER_SECOND} a second. Every close within it has its own line, as before; a stranger
 * opening tens of thousands of connections a second to be refused (a bad frame, a replayed HELLO,
 * a deadline) gets a line per close until the bucket is empty, then one line every {@link
 * #SUMMARY_SECONDS} seconds that counts the closes not logged and shows the last one. Found in
 * review: 43,050 connections from one client in 5 s made 43,050 WARN lines. Thread-safe.
 */
final class CloseLines {
  static final int BURST = 200;
  static final int PER_SECOND = 50;
  static final long SUMMARY_SECONDS = 10;

  private final Logger log;
  private final LongSupplier clock;
  private final long summarySeconds;
  private double tokens = BURST;
  private long refilledAt;
  private long suppressed;
  private String lastSuppressed;
  private boolean summaryDue;

  CloseLines(Logger log, LongSupplier nanoClock) {
    this(log, nanoClock, SUMMARY_SECONDS);
  }

  CloseLines(Logger log, LongSupplier nanoClock, long summarySeconds) {
    this.log = log;
    this.clock = nanoClock;
    this.summarySeconds = summarySeconds;
    this.refilledAt = nanoClock.getAsLong();
  }

  /**
   * One close.
   *
   * @param line the whole line, already escaped
   * @param timer where the summary of suppressed lines is scheduled (the channel's event loop)
   */
  void closing(String line, EventLoop timer) {
    synchronized (this) {
      long now = clock.getAsLong();
      tokens = Math.min(BURST, tokens + (now - refilledAt) * PER_SECOND / 1e9);
      refilledAt = now;
      if (tokens < 1) {
        suppressed++;
        lastSuppressed = line;
        if (!summaryDue) {
          summaryDue = true;
          timer.schedule(this::summary, summarySeconds, TimeUnit.SECONDS);
        }
        return;
      }
      tokens -= 1;
    }
    log.warn("{}", line);
  }

  private void summary() {
    long count;
    String last;
    synchronized (this) {
      count = suppressed;
      last = lastSuppressed;
      suppressed = 0;
      summaryDue = false;
    }
    if (count > 0) {
      log.warn(
          "{} more connections closed in the last {} s without a line of their own; the last: {}",
          count,
          summarySeconds,
          last);
    }
  }
}
