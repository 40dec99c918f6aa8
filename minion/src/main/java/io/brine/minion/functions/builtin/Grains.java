package io.brine.minion.functions.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.brine.common.files.DurableFiles;
import io.brine.common.log.LogText;
import io.brine.minion.BrineVersion;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import io.brine.protocol.job.SessionCall;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion's grains, static facts about its host under Salt's names, in Salt's order of
 * precedence: the computed ones, then Salt's grains file ({@code <config dir>/grains}, YAML), then
 * the minion config's {@code grains:} over both; {@code id} is always the minion's. The computed
 * grains are worked out once per process, at the first call that needs them (the fqdn can take a
 * DNS lookup), then cached: Salt's grains too are computed at start and refreshed only on request.
 * {@link #setval} writes the grains file atomically and tells the listeners (the daemon sends the
 * grains to its master again).
 *
 * <p>Computed: {@code os}, {@code os_family}, {@code osrelease}, {@code oscodename}, {@code
 * kernel}, {@code kernelrelease}, {@code host} (short name), {@code fqdn}, {@code num_cpus}, {@code
 * mem_total} (MiB, Salt's unit), {@code ipv4} and {@code ipv6} (every interface, loopback included,
 * sorted), {@code javaversion}, {@code brineversion}.
 */
public final class Grains {
  private static final Logger log = LoggerFactory.getLogger(Grains.class);

  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  /** One host, one set of computed grains, however many minions a process runs (the swarm). */
  private static volatile Map<String, Object> hostGrains;

  private final Map<String, Object> configured;
  private final Path file;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, Object> fromFile;

  /** Computed grains only: no config grains, no grains file. */
  public Grains() {
    this(Map.of(), null);
  }

  /**
   * @param configured the minion config's {@code grains:}
   * @param file Salt's grains file, or null for none; read now (a file that cannot be read is one
   *     WARN line and counts as empty)
   */
  public Grains(Map<String, Object> configured, Path file) {
    this.configured = Collections.unmodifiableMap(new TreeMap<>(configured));
    this.file = file;
    this.fromFile = file == null ? Map.of() : readFile(file);
  }

  /** Every grain; the minion id is the caller's. */
  public Map<String, Object> items(MinionId id) {
    Map<String, Object> all = new TreeMap<>(hostGrains());
    all.putAll(fromFile);
    all.putAll(configured);
    all.put("id", id.value());
    return Collections.unmodifiableMap(all);
  }

  /** Runs {@code listener} after each change of the grains ({@link #setval}). */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Salt's {@code grains.setval}: sets {@code key} to {@code value} in the grains file, replaced
   * atomically, and tells the listeners.
   *
   * @throws IllegalArgumentException when there is no grains file, the key is the config's (which
   *     overrides the file) or {@code id}, or the grains would pass the bounds
   * @throws IOException when the file cannot be written (nothing changed)
   */
  public synchronized void setval(String key, Object value) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("this minion has no grains file (no config file)");
    }
    if (key.equals("id")) {
      throw new IllegalArgumentException("the grain 'id' is the minion's id and cannot be set");
    }
    if (configured.containsKey(key)) {
      throw new IllegalArgumentException(
          "the grain '"
              + key
              + "' is set by the minion config's grains:, which overrides the grains file");
    }
    Map<String, Object> next = new TreeMap<>(readFile(file));
    next.put(key, value);
    try {
      GrainsDocument.encode(next);
    } catch (ProtocolException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    DurableFiles.write(file, YAML.writeValueAsBytes(next), DurableFiles.PRIVATE);
    fromFile = Collections.unmodifiableMap(next);
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  private static Map<String, Object> readFile(Path file) {
    byte[] bytes;
    try {
      bytes = DurableFiles.read(file, SessionCall.MAX_GRAINS_BYTES);
    } catch (IOException e) {
      log.warn("cannot read the grains file {}: {}; ignored", file, LogText.escape(e.getMessage()));
      return Map.of();
    }
    if (bytes == null || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return Map.of();
    }
    try {
      Map<String, Object> read =
          YAML.readValue(bytes, new TypeReference<Map<String, Object>>() {});
      if (read == null) {
        return Map.of();
      }
      GrainsDocument.encode(read);
      return Collections.unmodifiableMap(new TreeMap<>(read));
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      log.warn("the grains file {} is not a YAML mapping ({}); ignored", file,
          LogText.escape(reason));
    } catch (IOException | ProtocolException e) {
      log.warn("the grains file {} cannot be used: {}; ignored", file,
          LogText.escape(e.getMessage()));
    }
    return Map.of();
  }

  private static Map<String, Object> hostGrains() {
    Map<String, Object> g = hostGrains;
    if (g == null) {
      synchronized (Grains.class) {
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
