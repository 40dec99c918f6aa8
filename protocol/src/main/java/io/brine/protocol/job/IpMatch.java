package io.brine.protocol.job;

import io.brine.protocol.ProtocolException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Salt's {@code ipcidr} ({@code -S}, {@code S@}): an address, or a network in CIDR form, matched
 * against the minion's {@code ipv4} grain (or {@code ipv6} for a v6 target): an address must be one
 * of them, a network must hold one. Only address literals are read: no name is ever looked up.
 * Immutable.
 */
final class IpMatch {
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private final String expression;
  private final byte[] network;
  private final int prefix;

  private IpMatch(String expression, byte[] network, int prefix) {
    this.expression = expression;
    this.network = network;
    this.prefix = prefix;
  }

  static IpMatch of(String expression) throws ProtocolException {
    String address = expression;
    int prefix = -1;
    int slash = expression.indexOf('/');
    if (slash >= 0) {
      address = expression.substring(0, slash);
      String bits = expression.substring(slash + 1);
      if (!bits.matches("[0-9]{1,3}")) {
        throw new ProtocolException(
            "ipcidr target '" + expression + "' has no prefix length after the '/'");
      }
      prefix = Integer.parseInt(bits);
    }
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new ProtocolException(
          "ipcidr target '" + expression + "' is not an IP address or a CIDR network");
    }
    int max = bytes.length * 8;
    if (prefix > max) {
      throw new ProtocolException(
          "ipcidr target '" + expression + "': the prefix length is at most " + max);
    }
    if (prefix >= 0) {
      // Salt's ip_network is strict: host bits set in a network is an error, not a guess.
      for (int bit = prefix; bit < max; bit++) {
        if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
          throw new ProtocolException(
              "ipcidr target '" + expression + "' has host bits set (the network is "
                  + networkText(bytes, prefix) + ")");
        }
      }
    }
    return new IpMatch(expression, bytes, prefix < 0 ? max : prefix);
  }

  /** The bytes of an IPv4 or IPv6 literal, or null; never a DNS look-up. */
  static byte[] literal(String text) {
    boolean v4 = IPV4.matcher(text).matches();
    boolean v6 = !v4 && text.contains(":") && IPV6_CHARS.matcher(text).matches();
    if (!v4 && !v6) {
      return null;
    }
    try {
      // A literal (checked above) is parsed, never resolved.
      byte[] bytes = InetAddress.getByName(text).getAddress();
      return (v4 && bytes.length == 4) || (v6 && bytes.length == 16) ? bytes : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  boolean matches(Map<String, ?> grains) {
    Object addresses = grains.get(network.length == 4 ? "ipv4" : "ipv6");
    if (!(addresses instanceof List<?> list)) {
      return false;
    }
    for (Object a : list) {
      if (a instanceof String s) {
        byte[] bytes = literal(s);
        if (bytes != null && bytes.length == network.length && inNetwork(bytes)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean inNetwork(byte[] address) {
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static String networkText(byte[] bytes, int prefix) {
    byte[] masked = bytes.clone();
    for (int bit = prefix; bit < bytes.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(masked).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
  }

  @Override
  public String toString() {
    return expression;
  }
}
