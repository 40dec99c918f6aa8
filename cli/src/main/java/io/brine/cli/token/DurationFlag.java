package io.brine.cli.token;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration flag as {@code bao} reads one ({@code -ttl=90m}, {@code -ttl=1h30m}, {@code
 * -ttl=3600}, {@code -period=2d}), and seconds printed as {@code bao} prints them ({@code 1h30m},
 * {@code 768h}, {@code 0s}). Whole seconds only: the token store counts in seconds, so a
 * fraction would be silently dropped.
 */
public final class DurationFlag implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d{1,12})([smhd])");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,12}[smhd])+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (text.matches("\\d{1,12}")) {
        return Duration.ofSeconds(Long.parseLong(text));
      }
      if (WHOLE.matcher(text).matches()) {
        long seconds = 0;
        Matcher part = PART.matcher(text);
        while (part.find()) {
          long n = Long.parseLong(part.group(1));
          long unit =
              switch (part.group(2)) {
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                default -> 86400;
              };
          seconds = Math.addExact(seconds, Math.multiplyExact(n, unit));
        }
        return Duration.ofSeconds(seconds);
      }
    } catch (ArithmeticException e) {
      // Too large: refused below like any other unreadable value.
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration: give seconds (3600) or units s, m, h, d (90m, 1h30m)");
  }

  /**
   * Seconds as {@code bao} shows them: Go's duration text without its zero parts ("1h", not
   * "1h0m0s"); days are hours, as in Go.
   */
  public static String human(long seconds) {
    if (seconds < 0) {
      return seconds == Long.MIN_VALUE ? seconds + "s" : "-" + human(-seconds);
    }
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0 || text.length() == 0) {
      text.append(rest).append('s');
    }
    return text.toString();
  }

  /** The value sent to the master: whole seconds with their unit, which every parser reads. */
  public static String wire(Duration duration) {
    return duration.toSeconds() + "s";
  }
}
