package io.brine.minion.functions.builtin;

import io.brine.minion.BrineVersion;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The minion's grains, static facts about its host under Salt's names. Computed once, at the first
 * call that needs them (the fqdn can take a DNS lookup), then cached: Salt's grains too are
 * computed at start and refreshed only on request.
 *
 * <p>{@code id}, {@code os}, {@code os_family}, {@code osrelease}, {@code oscodename}, {@code
 * kernel}, {@code kernelrelease}, {@code host} (short name), {@code fqdn}, {@code num_cpus}, {@code
 * mem_total} (MiB, Salt's unit), {@code ipv4} and {@code ipv6} (every interface, loopback included,
 * sorted), {@code javaversion}, {@code brineversion}.
 */
public final class Grains {
  private volatile Map<String, Object> hostGrains;

  /** Every grain; the minion id is the caller's. */
  public Map<String, Object> items(MinionId id) {
    Map<String, Object> all = new TreeMap<>(hostGrains());
    all.put("id", id.value());
    return Collections.unmodifiableMap(all);
  }

  private Map<String, Object> hostGrains() {
    Map<String, Object> g = hostGrains;
    if (g == null) {
      synchronized (this) {
        g = hostGrains;
        if (g == null) {
          g = compute();
          hostGrains = g;
        }
      }
    }
    return g;
  }

  private static Map<String, Object> compute() {
    Map<String, Object> g = new TreeMap<>();
    String kernel = System.getProperty("os.name", "unknown");
    OsRelease os = OsRelease.ofThisHost(kernel);
    g.put("os", os.os());
    g.put("os_family", os.osFamily());
    g.put("osrelease", os.osrelease());
    g.put("oscodename", os.oscodename());
    g.put("kernel", kernel);
    g.put("kernelrelease", System.getProperty("os.version", ""));
    String nodeName = nodeName();
    String host = nodeName.contains(".") ? nodeName.substring(0, nodeName.indexOf('.')) : nodeName;
    g.put("host", host);
    g.put("fqdn", fqdn(nodeName));
    g.put("num_cpus", Runtime.getRuntime().availableProcessors());
    g.put("mem_total", memTotalMib());
    g.put("ipv4", IpAddresses.ipv4());
    g.put("ipv6", IpAddresses.ipv6());
    g.put("javaversion", System.getProperty("java.version", ""));
    g.put("brineversion", BrineVersion.get());
    return Collections.unmodifiableMap(g);
  }

  /** The kernel's host name (uname -n), read without a DNS lookup. */
  private static String nodeName() {
    try {
      String n = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8);
      if (!n.isBlank()) {
        return n.strip();
      }
    } catch (IOException e) {
      // not Linux, or no /proc: ask the JDK
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Python's socket.getfqdn(), which Salt uses: the canonical name, else the node name. */
  private static String fqdn(String nodeName) {
    try {
      String canonical = InetAddress.getByName(nodeName).getCanonicalHostName();
      // A bare address means the name did not resolve back to one.
      return canonical.isEmpty()
              || Character.isDigit(canonical.charAt(0))
              || canonical.contains(":")
          ? nodeName
          : canonical;
    } catch (IOException e) {
      return nodeName;
    }
  }

  /** MemTotal of /proc/meminfo in MiB; the JDK's figure (possibly a container's) elsewhere. */
  static long memTotalMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          String kb = line.substring("MemTotal:".length()).replace("kB", "").strip();
          return Long.parseLong(kb) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize() >> 20;
    }
    return 0;
  }
}
