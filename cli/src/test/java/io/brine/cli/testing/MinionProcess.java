package io.brine.cli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real {@code brine minion} child process, its log (stderr) in a file beside its config. */
public final class MinionProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final Path pkiDir;

  private MinionProcess(Process process, Path log, Path pkiDir) {
    this.process = process;
    this.log = log;
    this.pkiDir = pkiDir;
  }

  /**
   * Starts minion {@code id} with its files under {@code dir}, talking to the master on
   * 127.0.0.1:{@code masterPort}, re-sending a pending key every second.
   */
  public static MinionProcess start(Path dir, String id, int masterPort) {
    return start(dir, id, masterPort, java.util.List.of());
  }

  /**
   * Starts minion {@code id} with Salt's list form: {@code master: [127.0.0.1:<port>, ...]} in
   * the order given, with {@code extra} YAML lines (e.g. {@code master_alive_interval: 2}).
   */
  public static MinionProcess startWithMasters(
      Path dir, String id, java.util.List<Integer> masterPorts, String extra) {
    try {
      Files.createDirectories(dir);
      StringBuilder list = new StringBuilder("master:\n");
      for (int port : masterPorts) {
        list.append("  - 127.0.0.1:").append(port).append('\n');
      }
      Path config = dir.resolve("minion.yaml");
      Files.writeString(
          config,
          list
              + "master_type: failover\n"
              + "id: " + id + "\n"
              + "pki_dir: " + dir.resolve("pki") + "\n"
              + "acceptance_wait_time: 1\n"
              + "reconnect_wait_max: 2\n"
              + extra);
      Path log = dir.resolve("minion.log");
      Process process =
          new ProcessBuilder(
                  MasterProcess.java("io.brine.cli.Brine", "minion", "-c", config.toString()))
              .redirectError(log.toFile())
              .redirectOutput(dir.resolve("minion.out").toFile())
              .start();
      return new MinionProcess(process, log, dir.resolve("pki"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #start(Path, String, int)}, with more JVM options (e.g. {@code -Xmx32m}). */
  public static MinionProcess start(
      Path dir, String id, int masterPort, java.util.List<String> jvmOptions) {
    try {
      Files.createDirectories(dir);
      Path config = dir.resolve("minion.yaml");
      Files.writeString(
          config,
          "master: 127.0.0.1\n"
              + "master_port: "
              + masterPort
              + "\n"
              + "id: "
              + id
              + "\n"
              + "pki_dir: "
              + dir.resolve("pki")
              + "\n"
              + "acceptance_wait_time: 1\n"
              + "reconnect_wait_max: 2\n");
      Path log = dir.resolve("minion.log");
      Process process =
          new ProcessBuilder(
                  MasterProcess.java(
                      jvmOptions, "io.brine.cli.Brine", "minion", "-c", config.toString()))
              .redirectError(log.toFile())
              .redirectOutput(dir.resolve("minion.out").toFile())
              .start();
      return new MinionProcess(process, log, dir.resolve("pki"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code <pki_dir>/minion}. */
  public Path keyDir() {
    return pkiDir.resolve("minion");
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** How many log lines contain {@code text}. */
  public long count(String text) {
    return log().lines().filter(l -> l.contains(text)).count();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as {@code kill -9}: the minion dies mid-whatever, its connection drops. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
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
