package io.brine.master.jobs;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Salt's job id: 20 digits {@code YYYYmmddHHMMSSffffff}, UTC, microsecond precision. The job cache
 * uses it as a folder name, so {@link #isValid} is checked before any path is built from one.
 */
public final class Jid {
  public static final int LENGTH = 20;

  /** The last id handed out, in microseconds since the epoch; ids are unique within the process. */
  private static final AtomicLong LAST_MICROS = new AtomicLong(Long.MIN_VALUE);

  private Jid() {}

  /**
   * A new job id from {@code clock}. Strictly increasing within the process: when the clock gives
   * the same or an earlier microsecond (two jobs in one microsecond, or the clock stepped back),
   * the id is the previous one plus one microsecond, so two jobs never share a cache folder.
   */
  public static String next(Clock clock) {
    return next(clock, LAST_MICROS);
  }

  /** {@link #next(Clock)} with its own memory of the last id, so tests do not share one. */
  static String next(Clock clock, AtomicLong lastMicros) {
    long now = micros(clock.instant());
    return format(lastMicros.updateAndGet(last -> Math.max(now, last + 1)));
  }

  /**
   * The id naming {@code instant}, truncated to the microsecond; no uniqueness (tests, tools, and
   * the bound a store compares jids against to expire them).
   */
  public static String of(Instant instant) {
    return format(micros(instant));
  }

  /** Microseconds since the epoch (ChronoUnit.MICROS.between overflows 292 years out). */
  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** True for exactly 20 ASCII digits that name a real UTC date and time (no 30 February). */
  public static boolean isValid(String s) {
    return parse(s).isPresent();
  }

  /**
   * The instant a valid id names.
   *
   * @throws IllegalArgumentException when {@code jid} is not {@link #isValid valid}
   */
  public static Instant toInstant(String jid) {
    return parse(jid)
        .orElseThrow(
            () -> new IllegalArgumentException("not a job id (20 digits YYYYmmddHHMMSSffffff)"));
  }

  private static String format(long micros) {
    Instant instant =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      throw new IllegalStateException("the clock is outside years 0000-9999; no job id fits");
    }
    return String.format(
        "%04d%02d%02d%02d%02d%02d%06d",
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getNano() / 1000);
  }

  private static Optional<Instant> parse(String s) {
    if (s == null || s.length() != LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') { // ASCII only: Character.isDigit would accept other scripts' digits
        return Optional.empty();
      }
    }
    try {
      LocalDateTime t =
          LocalDateTime.of(
              field(s, 0, 4),
              field(s, 4, 6),
              field(s, 6, 8),
              field(s, 8, 10),
              field(s, 10, 12),
              field(s, 12, 14),
              field(s, 14, 20) * 1000);
      return Optional.of(t.toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static int field(String s, int from, int to) {
    return Integer.parseInt(s, from, to, 10);
  }
}
