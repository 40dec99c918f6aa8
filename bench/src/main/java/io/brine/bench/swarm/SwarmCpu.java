package io.brine.bench.swarm;

import java.lang.management.ManagementFactory;

/**
 * The swarm JVM's own CPU time. The swarm shares the master's two cores, so a storm's wall time
 * is set by both processes: this tells how much of the cores the simulated minions took (their RSA
 * unwrap of each WELCOME, their JIT), which real minions spend on their own hosts.
 */
final class SwarmCpu {
  private SwarmCpu() {}

  /** User and system CPU seconds of this process since it started. */
  static double seconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    throw new IllegalStateException("this JVM does not report its process CPU time");
  }
}
