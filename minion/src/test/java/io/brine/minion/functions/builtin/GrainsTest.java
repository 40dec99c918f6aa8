package io.brine.minion.functions.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrainsTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));
  private final Grains grains = new Grains();

  @SuppressWarnings("unchecked")
  private Map<String, Object> items() throws Exception {
    return (Map<String, Object>) new GrainsItems(grains).call(ctx.call()).value();
  }

  @Test
  @SuppressWarnings("unchecked")
  void items_describeThisHost() throws Exception {
    Map<String, Object> g = items();

    assertThat(g).containsEntry("id", "web1");
    assertThat(g).containsEntry("kernel", "Linux");
    assertThat(g).containsEntry("kernelrelease", sh("uname -r"));
    assertThat(g).containsEntry("host", sh("uname -n | cut -d. -f1"));
    assertThat(g).containsEntry("num_cpus", Runtime.getRuntime().availableProcessors());
    assertThat(g).containsEntry("javaversion", System.getProperty("java.version"));
    assertThat(g).containsEntry("brineversion", System.getProperty("brine.expectedVersion"));
    long pagesMib =
        Long.parseLong(sh("echo $(( $(getconf _PHYS_PAGES) * $(getconf PAGE_SIZE) / 1048576 ))"));
    assertThat((Long) g.get("mem_total")).isPositive().isBetween(pagesMib - 1, pagesMib + 1);
    assertThat((String) g.get("fqdn")).isNotBlank();
    assertThat((List<Object>) g.get("ipv4")).contains("127.0.0.1").isSorted();
    if (hasIpv6Loopback()) {
      assertThat((List<Object>) g.get("ipv6")).contains("::1");
    }
  }

  @Test
  void os_comesFromOsRelease() throws Exception {
    Map<String, Object> g = items();
    String id = sh(". /etc/os-release; echo $ID");
    OsRelease expected = OsRelease.parse("ID=" + id, "Linux");

    assertThat(g)
        .containsEntry("os", expected.os())
        .containsEntry("os_family", expected.osFamily());
    assertThat((String) g.get("os")).isNotBlank();
    assertThat(g).containsEntry("osrelease", sh(". /etc/os-release; echo $VERSION_ID"));
  }

  @Test
  void osRelease_mapsIdsAndFamiliesAsSaltDoes() {
    assertThat(
            OsRelease.parse(
                "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n"
                    + "VERSION_CODENAME=bookworm\n",
                "Linux"))
        .isEqualTo(new OsRelease("Debian", "Debian", "12", "bookworm"));
    assertThat(OsRelease.parse("ID=ubuntu\nVERSION_ID=\"24.04\"", "Linux"))
        .isEqualTo(new OsRelease("Ubuntu", "Debian", "24.04", ""));
    assertThat(OsRelease.parse("ID=\"rocky\"", "Linux").osFamily()).isEqualTo("RedHat");
    assertThat(OsRelease.parse("ID=\"rhel\"", "Linux").os()).isEqualTo("RedHat");
    assertThat(OsRelease.parse("ID='opensuse-leap'", "Linux"))
        .isEqualTo(new OsRelease("SUSE", "Suse", "", ""));
    assertThat(OsRelease.parse("ID=arch", "Linux").osFamily()).isEqualTo("Arch");
    assertThat(OsRelease.parse("ID=nixos", "Linux"))
        .isEqualTo(new OsRelease("Nixos", "Nixos", "", ""));
    assertThat(OsRelease.parse("# nothing\n", "Linux").os()).isEqualTo("Linux");
  }

  @Test
  void ipv6_isWrittenAsRfc5952() throws Exception {
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("::1").getAddress())).isEqualTo("::1");
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("::").getAddress())).isEqualTo("::");
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("fe80:0:0:0:0:0:0:1").getAddress()))
        .isEqualTo("fe80::1");
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("2001:db8:0:0:1:0:0:1").getAddress()))
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("2001:DB8:0:1:0:0:0:0").getAddress()))
        .isEqualTo("2001:db8:0:1::");
    assertThat(IpAddresses.ipv6Text(InetAddress.getByName("1:2:3:4:5:6:0:8").getAddress()))
        .as("a single zero group stays")
        .isEqualTo("1:2:3:4:5:6:0:8");
  }

  @Test
  void get_readsOneGrain_nestedByColon_orTheDefault() throws Exception {
    GrainsGet get = new GrainsGet(grains);

    assertThat(get.call(ctx.call("id"))).isEqualTo(FunctionOutput.ok("web1"));
    assertThat(get.call(ctx.call("ipv4:0")).value())
        .isEqualTo(((List<?>) items().get("ipv4")).get(0));
    assertThat(get.call(ctx.call("nosuch")).value()).as("Salt's default").isEqualTo("");
    assertThat(get.call(ctx.call("nosuch", "fallback")).value()).isEqualTo("fallback");
    assertThat(get.call(ctx.call("id:deeper", "fallback")).value()).isEqualTo("fallback");
    assertThat(get.call(ctx.call("ipv4:999", 5)).value()).isEqualTo(5);
    assertThat(get.call(ctx.call(List.of("ipv4|0"), Map.of("delimiter", "|"))).value())
        .isEqualTo(((List<?>) items().get("ipv4")).get(0));
    assertThatThrownBy(() -> get.call(ctx.call()))
        .hasMessage("grains.get is missing the required argument 'key'");
  }

  @Test
  void hostGrains_areComputedOnce() throws Exception {
    Map<String, Object> first = items();
    Map<String, Object> second = items();
    assertThat(second.get("ipv4")).isSameAs(first.get("ipv4"));
  }

  private static boolean hasIpv6Loopback() throws Exception {
    return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
        .anyMatch(a -> a instanceof java.net.Inet6Address && a.isLoopbackAddress());
  }

  private static String sh(String cmd) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as("%s: %s", cmd, out).isZero();
    return out;
  }
}
