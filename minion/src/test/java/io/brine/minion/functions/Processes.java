package io.brine.minion.functions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Process checks for tests. */
public final class Processes {
  private Processes() {}

  /**
   * Whether the pid is dead: gone, or a zombie. A killed grandchild is re-parented to PID 1, and
   * not every PID 1 (a container's, a microVM's) reaps, so "gone" alone would wait forever; the JDK
   * counts a zombie as alive.
   */
  public static boolean isDead(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return afterName.startsWith("Z") || afterName.startsWith("X");
    } catch (IOException e) {
      return true;
    }
  }

  /** Polls until the pid is dead; false if it is still alive after the (generous) wait. */
  public static boolean awaitDead(long pid, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (isDead(pid)) {
        return true;
      }
      Thread.sleep(20);
    }
    return isDead(pid);
  }

  /** Polls for a file a command writes its child's pid to. */
  public static long awaitPidFile(Path file, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
          return Long.parseLong(s);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no pid in " + file + " after " + seconds + " s");
  }
}
