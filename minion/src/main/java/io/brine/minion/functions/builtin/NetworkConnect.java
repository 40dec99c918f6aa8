package io.brine.minion.functions.builtin;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.DurationText;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code network.connect host port [proto=tcp] [timeout=5] [family=ipv4|ipv6]}: whether the minion
 * reaches host:port, in Salt's shape {"result": true, "comment": "Successfully connected to host
 * (address) on tcp port 80"}; a failure is result false with "Unable to connect to ..." and retcode
 * 1, as Salt's minion gives a dict whose result is false. For udp a datagram is sent and the reply
 * waited for, as Salt's. The timeout is capped at 60 s.
 */
public final class NetworkConnect implements MinionFunction {
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "network.connect";
  }

  @Override
  public String doc() {
    return "Tests whether host:port can be reached (proto=tcp|udp, timeout=5, family=ipv4|ipv6).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a =
        Arguments.parse(
            call, name(), List.of("host", "port", "proto", "timeout", "family"), Set.of());
    String host = a.optionalString("host").orElse("");
    if (host.isBlank()) {
      return failed("Required argument, host, is missing.");
    }
    if (a.get("port").isEmpty() || a.optionalString("port").get().isBlank()) {
      return failed("Required argument, port, is missing.");
    }
    double p = a.requiredNumber("port");
    if (p < 1 || p > 65535 || p != Math.rint(p)) {
      throw new FunctionException(name() + ": 'port' must be a port number from 1 to 65535");
    }
    int port = (int) p;
    String proto =
        a.optionalString("proto").orElse("tcp").toLowerCase(Locale.ROOT).equals("udp")
            ? "udp"
            : "tcp";
    Duration timeout =
        DurationText.ofSeconds(name(), "timeout", a.optionalNumber("timeout").orElse(5.0));
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      timeout = MAX_TIMEOUT;
    }
    Optional<String> family = a.optionalString("family").map(f -> f.toLowerCase(Locale.ROOT));
    if (family.isPresent() && !family.get().equals("ipv4") && !family.get().equals("ipv6")) {
      throw new FunctionException(name() + ": 'family' must be ipv4 or ipv6, got " + family.get());
    }
    InetAddress address;
    try {
      address = resolve(host, family);
    } catch (UnknownHostException e) {
      return failed(
          "Unable to connect to " + host + " (unknown host) on " + proto + " port " + port);
    }
    String where = host + " (" + address.getHostAddress() + ") on " + proto + " port " + port;
    try {
      if (proto.equals("udp")) {
        udp(address, port, timeout);
      } else {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
        }
      }
    } catch (IOException e) {
      return failed("Unable to connect to " + where);
    }
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("result", true);
    ret.put("comment", "Successfully connected to " + where);
    return FunctionOutput.ok(ret);
  }

  private static InetAddress resolve(String host, Optional<String> family)
      throws UnknownHostException {
    for (InetAddress addr : InetAddress.getAllByName(host)) {
      if (family.isEmpty()
          || (family.get().equals("ipv4") && addr instanceof Inet4Address)
          || (family.get().equals("ipv6") && addr instanceof Inet6Address)) {
        return addr;
      }
    }
    throw new UnknownHostException(host);
  }

  private static void udp(InetAddress address, int port, Duration timeout) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout((int) timeout.toMillis());
      s.connect(address, port);
      byte[] probe = "brine".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(probe, probe.length));
      s.receive(new DatagramPacket(new byte[512], 512));
    }
  }

  private static FunctionOutput failed(String comment) {
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("result", false);
    ret.put("comment", comment);
    return new FunctionOutput(ret, 1);
  }
}
