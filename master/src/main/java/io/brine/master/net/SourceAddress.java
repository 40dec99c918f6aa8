package io.brine.master.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Who a limit counts: an IPv4 address, or the /64 an IPv6 address is in. One host is usually given
 * a whole /64, so counting its addresses one by one would give it 2^64 allowances (and let it fill
 * a table with keys whose hashes it chose: {@code Inet6Address.hashCode} sums the address's four
 * words). An IPv4 address mapped into IPv6 counts as the IPv4 address. Every per-address limit of
 * the master (the minion port's and the operator API's) keys on this.
 */
public final class SourceAddress {
  private SourceAddress() {}

  /** {@code address} as a limit counts it; null stays null. */
  public static InetAddress of(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = address.getAddress();
    if (isV4Mapped(bytes)) {
      return v4(Arrays.copyOfRange(bytes, 12, 16));
    }
    byte[] prefix = Arrays.copyOf(bytes, 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("16 bytes are an IPv6 address", impossible);
    }
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static InetAddress v4(byte[] four) {
    try {
      return InetAddress.getByAddress(four);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("4 bytes are an IPv4 address", impossible);
    }
  }
}
