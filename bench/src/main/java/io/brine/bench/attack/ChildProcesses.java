package io.brine.bench.attack;

import java.util.concurrent.TimeUnit;

/** Stopping the soak's child processes: SIGTERM, and SIGKILL for one that does not stop. */
public final class ChildProcesses {
  private ChildProcesses() {}

  /** SIGTERM, then SIGKILL if it has not stopped within 20 s. */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
