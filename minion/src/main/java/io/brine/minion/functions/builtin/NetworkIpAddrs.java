package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code network.ip_addrs [interface] [include_loopback=False] [cidr] [type]}: the minion's IPv4
 * addresses, sorted, as Salt's: loopback ones only with include_loopback, those of one interface,
 * those inside cidr (which wins over type, as in Salt), or type=public|private (Python's
 * ipaddress.is_private ranges). An interface that is not there is an error (Salt logs it and
 * returns an empty list).
 */
public final class NetworkIpAddrs implements MinionFunction {
  /** Python's IPv4 is_private networks, as address and prefix length. */
  private static final String[] PRIVATE = {
    "0.0.0.0/8",
    "10.0.0.0/8",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/29",
    "192.0.0.170/31",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "255.255.255.255/32",
  };

  @Override
  public String name() {
    return "network.ip_addrs";
  }

  @Override
  public String doc() {
    return "Returns the IPv4 addresses (interface, include_loopback, cidr, type=public|private).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a =
        Arguments.parse(
            call, name(), List.of("interface", "include_loopback", "cidr", "type"), Set.of());
    Optional<String> iface = a.optionalString("interface");
    boolean loopback = a.bool("include_loopback", false);
    Optional<Subnet> cidr =
        a.optionalString("cidr").isPresent()
            ? Optional.of(Subnet.parse(name(), a.optionalString("cidr").get()))
            : Optional.empty();
    Optional<String> type = a.optionalString("type");
    if (type.isPresent() && !type.get().equals("public") && !type.get().equals("private")) {
      throw new FunctionException(name() + ": 'type' must be public or private, got " + type.get());
    }
    List<NetworkInterface> interfaces;
    try {
      if (iface.isPresent()) {
        NetworkInterface ni = NetworkInterface.getByName(iface.get());
        if (ni == null) {
          return CommandError.of("Interface " + iface.get() + " not found.");
        }
        interfaces = List.of(ni);
      } else {
        interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
      }
    } catch (SocketException e) {
      return CommandError.of("cannot list the network interfaces: " + e.getMessage());
    }
    TreeSet<String> out = new TreeSet<>();
    for (NetworkInterface ni : interfaces) {
      for (InetAddress addr : Collections.list(ni.getInetAddresses())) {
        if (!(addr instanceof Inet4Address) || (!loopback && addr.isLoopbackAddress())) {
          continue;
        }
        if (cidr.isPresent()) {
          if (!cidr.get().contains(addr)) {
            continue;
          }
        } else if (type.isPresent() && isPrivate(addr) != type.get().equals("private")) {
          continue;
        }
        out.add(addr.getHostAddress());
      }
    }
    return FunctionOutput.ok(new ArrayList<>(out));
  }

  static boolean isPrivate(InetAddress addr) {
    for (String net : PRIVATE) {
      try {
        if (Subnet.parse("", net).contains(addr)) {
          return true;
        }
      } catch (FunctionException e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }

  /** An IPv4 network, "10.0.0.0/8" (a bare address is a /32). */
  record Subnet(int network, int prefix) {
    static Subnet parse(String function, String text) throws FunctionException {
      String[] parts = text.strip().split("/", -1);
      int prefix = 32;
      try {
        if (parts.length > 2) {
          throw new NumberFormatException();
        }
        if (parts.length == 2) {
          prefix = Integer.parseInt(parts[1]);
        }
        if (prefix < 0 || prefix > 32 || !parts[0].matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
          throw new NumberFormatException();
        }
        int ip = 0;
        for (String octet : parts[0].split("\\.")) {
          int o = Integer.parseInt(octet);
          if (o > 255) {
            throw new NumberFormatException();
          }
          ip = (ip << 8) | o;
        }
        return new Subnet(ip & mask(prefix), prefix);
      } catch (NumberFormatException e) {
        throw new FunctionException(
            function + ": 'cidr' must be an IPv4 network like 10.0.0.0/8, got " + text);
      }
    }

    private static int mask(int prefix) {
      return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    boolean contains(InetAddress addr) {
      byte[] b = addr.getAddress();
      if (b.length != 4) {
        return false;
      }
      int ip = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      return (ip & mask(prefix)) == network;
    }
  }
}
