package io.brine.minion.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One master the minion may connect to: a host name or address and a port. Written in the config
 * as Salt writes a {@code master} entry: {@code host}, {@code host:port}, {@code [v6]},
 * {@code [v6]:port}, or an IPv6 address alone ({@code ::1}, which cannot carry a port without the
 * brackets). An entry without a port takes {@code master_port}.
 *
 * @param host a host name, an IPv4 address, or an IPv6 address without brackets
 * @param port 1 to 65535
 */
public record MasterAddress(String host, int port) {
  /** RFC 1123 labels, plus '_' that some internal zones use; an optional final dot. */
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}\\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
              + "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

  public MasterAddress {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535");
    }
  }

  /**
   * Reads one {@code master} entry.
   *
   * @throws IllegalArgumentException with a reason that does not repeat the entry (the caller
   *     names it)
   */
  public static MasterAddress parse(String entry, int defaultPort) {
    String text = entry.trim();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("has '[' without ']'");
      }
      String host = ipv6(text.substring(1, close));
      String rest = text.substring(close + 1);
      if (rest.isEmpty()) {
        return new MasterAddress(host, defaultPort);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("has something other than ':port' after ']'");
      }
      return new MasterAddress(host, port(rest.substring(1)));
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
      return new MasterAddress(ipv6(text), defaultPort); // IPv6 without a port
    }
    String host = colon < 0 ? text : text.substring(0, colon);
    if (!HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "is not a host name or address (letters, digits, '-', '_' and '.')");
    }
    return new MasterAddress(host, colon < 0 ? defaultPort : port(text.substring(colon + 1)));
  }

  private static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("has a port that is not a number from 1 to 65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("has port " + port + ", expected 1 to 65535");
    }
    return port;
  }

  /** A literal IPv6 address; parsed by the JDK, which does no lookup for such text. */
  private static String ipv6(String text) {
    if (!text.contains(":") || !IPV6_TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException("is not an IPv6 address");
    }
    try {
      InetAddress.getByName(text);
      return text;
    } catch (UnknownHostException | SecurityException e) {
      throw new IllegalArgumentException("is not an IPv6 address");
    }
  }

  /** {@code host:port}, with brackets around an IPv6 address: what the logs and the start show. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
