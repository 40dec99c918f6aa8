package io.brine.minion.functions;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations in messages: "5 s", "0.5 s", in whole milliseconds. */
public final class DurationText {
  private DurationText() {}

  public static String of(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** Seconds as a caller gave them ("0.5") to a Duration, refusing what is not positive. */
  public static Duration ofSeconds(String function, String name, double seconds)
      throws FunctionException {
    if (seconds <= 0) {
      throw new FunctionException(function + ": '" + name + "' must be more than 0 seconds");
    }
    // A year is far beyond any job timeout and keeps toNanos() from overflowing.
    double capped = Math.min(seconds, 365.0 * 24 * 3600);
    return Duration.ofMillis(Math.max(1, Math.round(capped * 1000)));
  }
}
