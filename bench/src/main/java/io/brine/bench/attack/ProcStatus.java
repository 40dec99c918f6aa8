package io.brine.bench.attack;

import io.brine.bench.swarm.MasterProcessStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory and live threads, from {@code /proc/PID/status} (Linux). */
record ProcStatus(long rssBytes, int threads) {
  static ProcStatus of(long pid) throws IOException {
    return parse(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
  }

  static ProcStatus parse(String status) {
    return new ProcStatus(MasterProcessStats.vmRssKiB(status) * 1024, threads(status));
  }

  /** The {@code Threads:} line. */
  static int threads(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    throw new IllegalArgumentException("no Threads line in /proc/PID/status");
  }
}
