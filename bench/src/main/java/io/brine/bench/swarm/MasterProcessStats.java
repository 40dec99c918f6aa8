package io.brine.bench.swarm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the master process costs, read from outside it (Linux): CPU time and RSS from {@code
 * /proc/PID}, live heap from {@code jcmd PID GC.class_histogram}. The pid comes from the master's
 * pid file, read again at every call, since a restart gives the master a new pid.
 */
public final class MasterProcessStats {
  private static final long JCMD_LIMIT_SECONDS = 120;

  private final Path pidFile;
  private final long clockTicksPerSecond;
  private final Path jcmd;

  MasterProcessStats(Path pidFile) throws IOException, InterruptedException {
    this.pidFile = pidFile;
    this.clockTicksPerSecond = clockTicksPerSecond();
    this.jcmd = jcmd();
  }

  long pid() throws IOException {
    String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(pidFile + " holds no pid: '" + text + "'", e);
    }
  }

  /** User plus system CPU seconds the master has used since it started. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    return (double) cpuTicks(stat) / clockTicksPerSecond;
  }

  /** Resident set size in bytes. */
  long rssBytes() throws IOException {
    return vmRssKiB(Files.readString(Path.of("/proc", Long.toString(pid()), "status"))) * 1024;
  }

  /**
   * Bytes of live objects on the master's heap. The class histogram runs a full GC first, so this
   * is what the master holds, not what it has allocated since the last collection.
   */
  long liveHeapBytes() throws IOException, InterruptedException {
    String histogram = run(List.of(jcmd.toString(), Long.toString(pid()), "GC.class_histogram"));
    return histogramTotalBytes(histogram);
  }

  /**
   * utime + stime, fields 14 and 15 of {@code /proc/PID/stat}, in clock ticks. Field 2 (the command
   * name) is in parentheses and may hold spaces and parentheses itself, so the fields are counted
   * from after its last ')', where field 3 begins.
   */
  static long cpuTicks(String stat) {
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    String[] fields = stat.substring(end + 1).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/PID/stat: " + stat);
    }
    return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
  }

  /** The {@code VmRSS:} line of {@code /proc/PID/status}, in KiB. */
  public static long vmRssKiB(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return Long.parseLong(parts[0]);
        }
      }
    }
    throw new IllegalArgumentException("no VmRSS line in /proc/PID/status");
  }

  /** The bytes column of the histogram's last {@code Total} line. */
  static long histogramTotalBytes(String histogram) {
    String[] lines = histogram.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String[] parts = lines[i].trim().split("\\s+");
      if (parts.length == 3 && parts[0].equals("Total")) {
        return Long.parseLong(parts[2]);
      }
    }
    throw new IllegalArgumentException(
        "no Total line in the class histogram: "
            + histogram.substring(0, Math.min(200, histogram.length())));
  }

  /** CPU times in /proc count USER_HZ ticks; getconf says how many make a second. */
  private static long clockTicksPerSecond() throws IOException, InterruptedException {
    return Long.parseLong(run(List.of("getconf", "CLK_TCK")).strip());
  }

  /**
   * The jcmd of the JDK this swarm runs on: beside the running java binary, else under java.home or
   * $JAVA_HOME.
   */
  private static Path jcmd() throws IOException {
    List<Path> candidates = new ArrayList<>();
    ProcessHandle.current()
        .info()
        .command()
        .map(Path::of)
        .map(Path::getParent)
        .ifPresent(bin -> candidates.add(bin.resolve("jcmd")));
    candidates.add(Path.of(System.getProperty("java.home"), "bin", "jcmd"));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null) {
      candidates.add(Path.of(javaHome, "bin", "jcmd"));
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IOException("no jcmd found (looked at " + candidates + "); the swarm needs a JDK");
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read before waiting: a histogram is larger than a pipe's buffer.
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(JCMD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command)
              + " failed (exit "
              + process.exitValue()
              + "): "
              + text.strip());
    }
    return text;
  }
}
