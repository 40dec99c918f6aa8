package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * network.ip_addrs, network.ping and network.connect against this machine's interfaces and
 * loopback.
 */
class NetworkModuleTest {
  @TempDir Path dir;

  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  @SuppressWarnings("unchecked")
  private List<String> ipAddrs(Map<String, Object> kwargs) throws Exception {
    return (List<String>) new NetworkIpAddrs().call(ctx.call(List.of(), kwargs)).value();
  }

  @Test
  void ipAddrs_leaveLoopbackOut_unlessAsked_andFilterByInterfaceCidrAndType() throws Exception {
    assertThat(ipAddrs(Map.of())).doesNotContain("127.0.0.1");
    assertThat(ipAddrs(Map.of("include_loopback", true))).contains("127.0.0.1");
    assertThat(ipAddrs(Map.of("interface", "lo", "include_loopback", "true")))
        .containsExactly("127.0.0.1");
    assertThat(ipAddrs(Map.of("interface", "lo"))).isEmpty();
    assertThat(ipAddrs(Map.of("cidr", "127.0.0.0/8", "include_loopback", true)))
        .containsExactly("127.0.0.1");
    assertThat(ipAddrs(Map.of("type", "private", "include_loopback", true))).contains("127.0.0.1");
    assertThat(ipAddrs(Map.of("type", "public", "include_loopback", true)))
        .doesNotContain("127.0.0.1");
    List<String> all = ipAddrs(Map.of("include_loopback", true));
    assertThat(all).isSorted();
  }

  @Test
  void ipAddrs_badArguments_areClear() {
    assertThatThrownBy(() -> ipAddrs(Map.of("cidr", "10.0.0.0/33")))
        .isInstanceOf(FunctionException.class)
        .hasMessage(
            "network.ip_addrs: 'cidr' must be an IPv4 network like 10.0.0.0/8, got 10.0.0.0/33");
    assertThatThrownBy(() -> ipAddrs(Map.of("type", "global")))
        .hasMessage("network.ip_addrs: 'type' must be public or private, got global");
    assertThatThrownBy(() -> ipAddrs(Map.of("iface", "lo")))
        .hasMessage("network.ip_addrs got an unexpected keyword argument 'iface'");
  }

  @Test
  void ipAddrs_ofAnInterfaceThatIsNotThere_isAnError() throws Exception {
    assertThat(new NetworkIpAddrs().call(ctx.call("nosuch0")))
        .isEqualTo(new FunctionOutput("ERROR: Interface nosuch0 not found.", 1));
  }

  @Test
  void privateRanges_areThoseOfPythonsIpaddress() throws Exception {
    for (String p : List.of("10.1.2.3", "172.31.0.1", "192.168.1.1", "127.0.0.1", "169.254.1.1")) {
      assertThat(NetworkIpAddrs.isPrivate(InetAddress.getByName(p))).as(p).isTrue();
    }
    for (String p : List.of("8.8.8.8", "172.32.0.1", "100.64.0.1", "1.1.1.1")) {
      assertThat(NetworkIpAddrs.isPrivate(InetAddress.getByName(p))).as(p).isFalse();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void connect_toAListeningPort_succeeds_andToAClosedOne_failsWithRetcode1() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      FunctionOutput ok = new NetworkConnect().call(ctx.call("127.0.0.1", port));
      assertThat(ok)
          .isEqualTo(
              FunctionOutput.ok(
                  Map.of(
                      "result",
                      true,
                      "comment",
                      "Successfully connected to 127.0.0.1 (127.0.0.1) on tcp port " + port)));
      FunctionOutput byName =
          new NetworkConnect()
              .call(
                  ctx.call(
                      List.of("localhost", String.valueOf(port)),
                      Map.of("timeout", "2", "family", "ipv4")));
      assertThat(((Map<String, Object>) byName.value()).get("comment"))
          .isEqualTo("Successfully connected to localhost (127.0.0.1) on tcp port " + port);
    }
    FunctionOutput refused = new NetworkConnect().call(ctx.call("127.0.0.1", closed));
    assertThat(refused)
        .isEqualTo(
            new FunctionOutput(
                Map.of(
                    "result",
                    false,
                    "comment",
                    "Unable to connect to 127.0.0.1 (127.0.0.1) on tcp port " + closed),
                1));
  }

  @Test
  void connect_missingOrBadArguments_areSaltsCommentsOrOneLineErrors() throws Exception {
    assertThat(new NetworkConnect().call(ctx.call()))
        .isEqualTo(
            new FunctionOutput(
                Map.of("result", false, "comment", "Required argument, host, is missing."), 1));
    assertThat(new NetworkConnect().call(ctx.call("localhost")))
        .isEqualTo(
            new FunctionOutput(
                Map.of("result", false, "comment", "Required argument, port, is missing."), 1));
    assertThatThrownBy(() -> new NetworkConnect().call(ctx.call("localhost", 70000)))
        .hasMessage("network.connect: 'port' must be a port number from 1 to 65535");
    assertThatThrownBy(
            () ->
                new NetworkConnect()
                    .call(ctx.call(List.of("localhost", 80), Map.of("family", "ipx"))))
        .hasMessage("network.connect: 'family' must be ipv4 or ipv6, got ipx");
  }

  @Test
  void ping_withoutAPingCommand_fallsBackToTcp_andCountsAnswers() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      NetworkPing ping = new NetworkPing(List.of(dir), server.getLocalPort());

      FunctionOutput out = ping.call(ctx.call("127.0.0.1"));

      assertThat(out.retcode()).isZero();
      String text = (String) out.value();
      assertThat(text)
          .startsWith(
              "PING 127.0.0.1 (127.0.0.1): no ping command on this minion; 4 TCP connects to port "
                  + server.getLocalPort())
          .contains("tcp_seq=4")
          .endsWith("4 packets transmitted, 4 received, 0% packet loss");
      assertThat(ping.call(ctx.call(List.of("127.0.0.1"), Map.of("return_boolean", true))).value())
          .isEqualTo(true);
    }
  }

  @Test
  void ping_runsPingMinusC4_withSaltsTimeoutFlag_whenThereIsOne() throws Exception {
    // A stand-in ping that prints its arguments: the command line the module runs, checked.
    Path fake = dir.resolve("ping");
    Files.writeString(fake, "#!/bin/sh\necho \"ping $*\"\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    NetworkPing ping = new NetworkPing(List.of(dir), 1);

    assertThat(ping.call(ctx.call("db1.example.com")))
        .isEqualTo(new FunctionOutput("ping -c 4 db1.example.com", 1));
    assertThat(ping.call(ctx.call("10.0.0.1", 3)).value()).isEqualTo("ping -W 3 -c 4 10.0.0.1");
    assertThat(ping.call(ctx.call(List.of("10.0.0.1"), Map.of("return_boolean", true))))
        .isEqualTo(FunctionOutput.ok(false));
  }

  @Test
  void ping_refusesAHostThatIsNotOne() {
    NetworkPing ping = new NetworkPing(List.of(dir), 1);
    assertThatThrownBy(() -> ping.call(ctx.call("db1; rm -rf /")))
        .isInstanceOf(FunctionException.class)
        .hasMessage("network.ping: 'host' is not a host name or an IP address: db1; rm -rf /");
    assertThatThrownBy(() -> ping.call(ctx.call("-f")))
        .hasMessage("network.ping: 'host' is not a host name or an IP address: -f");
    assertThatThrownBy(() -> ping.call(ctx.call("h", "0")))
        .hasMessage("network.ping: 'timeout' must be whole seconds from 1 to 30");
  }
}
