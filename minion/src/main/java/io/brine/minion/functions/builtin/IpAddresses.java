package io.brine.minion.functions.builtin;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/** The ipv4 and ipv6 grains: every interface's addresses, loopback included, as Salt lists them. */
final class IpAddresses {
  private IpAddresses() {}

  static List<String> ipv4() {
    TreeSet<String> out = new TreeSet<>();
    for (InetAddress a : all()) {
      if (a instanceof Inet4Address) {
        out.add(a.getHostAddress());
      }
    }
    return List.copyOf(out);
  }

  static List<String> ipv6() {
    TreeSet<String> out = new TreeSet<>();
    for (InetAddress a : all()) {
      if (a instanceof Inet6Address) {
        out.add(ipv6Text(a.getAddress()));
      }
    }
    return List.copyOf(out);
  }

  private static List<InetAddress> all() {
    try {
      return NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .collect(java.util.stream.Collectors.toList());
    } catch (SocketException e) {
      return Collections.emptyList();
    }
  }

  /**
   * RFC 5952's text (what Salt shows): lower-case hex without leading zeros, the first longest run
   * of two or more zero groups as "::", no scope. The JDK writes every group ("fe80:0:0:0:...%2").
   */
  static String ipv6Text(byte[] address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
