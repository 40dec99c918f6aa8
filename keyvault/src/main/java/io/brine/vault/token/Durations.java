package io.brine.vault.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.vault.InvalidRequestException;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as OpenBao's API takes them ({@code parseutil.ParseDurationSecond}): a number of
 * seconds (3600, "3600"), a number of days ("2d"), or Go's duration syntax ("90m", "1h30m",
 * "1.5h", "3600s", "250ms"). Empty means zero. Negative values and anything else are refused with
 * one line.
 */
public final class Durations {
  /** Go's time.Duration is int64 nanoseconds: nothing longer can be written there. */
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final int MAX_QUOTED = 32;

  private Durations() {}

  /** A JSON field's value: a number of seconds or a string; null or JSON null means zero. */
  public static Duration parse(JsonNode value) throws InvalidRequestException {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return Duration.ZERO;
    }
    if (value.isNumber()) {
      return seconds(value.decimalValue(), value.asText());
    }
    if (value.isTextual()) {
      return parse(value.asText());
    }
    throw new InvalidRequestException("a duration must be a number of seconds or a string");
  }

  public static Duration parse(Number seconds) throws InvalidRequestException {
    if (seconds == null) {
      return Duration.ZERO;
    }
    return seconds(new BigDecimal(seconds.toString()), seconds.toString());
  }

  public static Duration parse(String text) throws InvalidRequestException {
    if (text == null) {
      return Duration.ZERO;
    }
    String s = text.strip();
    if (s.isEmpty()) {
      return Duration.ZERO;
    }
    if (s.startsWith("-")) {
      String rest = s.substring(1);
      try {
        if (rest.startsWith("-") || rest.startsWith("+")) {
          throw invalid(text);
        }
        parse(rest);
      } catch (InvalidRequestException e) {
        throw invalid(text);
      }
      throw negative(text);
    }
    if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return seconds(new BigDecimal(s), text);
    }
    if (s.endsWith("d") && s.length() > 1
        && s.substring(0, s.length() - 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return seconds(new BigDecimal(s.substring(0, s.length() - 1)).multiply(BigDecimal.valueOf(86_400)), text);
    }
    return goDuration(s, text);
  }

  /** Go's grammar: [+]? ( digits [. digits] unit )+ with units ns us µs ms s m h. */
  private static Duration goDuration(String s, String original) throws InvalidRequestException {
    int i = s.startsWith("+") ? 1 : 0;
    if (i == s.length()) {
      throw invalid(original);
    }
    BigDecimal nanos = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')
          || !number.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
        throw invalid(original);
      }
      int unitStart = i;
      while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unit = unitNanos(s.substring(unitStart, i), original);
      nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw tooLong(original);
      }
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static long unitNanos(String unit, String original) throws InvalidRequestException {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s":
      case "\u03bcs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        throw invalid(original);
    }
  }

  private static Duration seconds(BigDecimal seconds, String original)
      throws InvalidRequestException {
    if (seconds.signum() < 0) {
      throw negative(original);
    }
    BigDecimal nanos = seconds.multiply(BigDecimal.valueOf(1_000_000_000L));
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw tooLong(original);
    }
    return Duration.ofNanos(nanos.longValue());
  }

  private static InvalidRequestException invalid(String text) {
    return new InvalidRequestException(
        "invalid duration " + quote(text) + ": use seconds (3600) or a unit (90m, 1h30m, 2d)");
  }

  private static InvalidRequestException negative(String text) {
    return new InvalidRequestException("a duration cannot be negative: " + quote(text));
  }

  private static InvalidRequestException tooLong(String text) {
    return new InvalidRequestException("duration " + quote(text) + " is too long");
  }

  /** Quoted back only as printable ASCII, shortened: the value came from the network. */
  private static String quote(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < text.length() && i < MAX_QUOTED; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '"' ? c : '?');
    }
    if (text.length() > MAX_QUOTED) {
      b.append("...");
    }
    return b.append('"').toString();
  }
}
