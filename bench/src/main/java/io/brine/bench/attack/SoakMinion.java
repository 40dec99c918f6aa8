package io.brine.bench.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code brine minion} child process in its own folder, its log (stderr) in {@code
 * minion.log}, its pid in {@code minion.pid} for bench/attack-soak.sh's cleanup.
 */
final class SoakMinion implements AutoCloseable {
  static final List<String> JVM_OPTIONS = List.of("-Xmx96m");

  /** What the minion logs when its connection to the master drops. */
  static final String LOST = "lost the connection";

  private final String id;
  private final Path dir;
  private final Process process;

  private SoakMinion(String id, Path dir, Process process) {
    this.id = id;
    this.dir = dir;
    this.process = process;
  }

  /** Starts minion {@code id} talking to the master (or a tap in front of it) at 127.0.0.1:port. */
  static SoakMinion start(BrineCommand brine, Path dir, String id, int port) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("minion.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "master: 127.0.0.1",
            "master_port: " + port,
            "id: " + id,
            "pki_dir: " + dir.resolve("pki"),
            "acceptance_wait_time: 1",
            "reconnect_wait_max: 2",
            ""));
    Process process =
        new ProcessBuilder(brine.command(JVM_OPTIONS, "minion", "-c", config.toString()))
            .redirectError(dir.resolve("minion.log").toFile())
            .redirectOutput(dir.resolve("minion.out").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    Files.writeString(dir.resolve("minion.pid"), process.pid() + "\n");
    return new SoakMinion(id, dir, process);
  }

  String id() {
    return id;
  }

  Path log() {
    return dir.resolve("minion.log");
  }

  Path publicKey() {
    return dir.resolve("pki/minion/minion.pub");
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits until the minion has authenticated to the master (its log says so). */
  void awaitAuthenticated(Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (LogLines.count(log(), "authenticated to master") == 0) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException(
            id + " did not authenticate to the master; its log:\n" + Files.readString(log()));
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
