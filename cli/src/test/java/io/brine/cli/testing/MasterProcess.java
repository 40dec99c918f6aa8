package io.brine.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code brine master} in a child JVM, started the way a user starts it ({@code Brine master
 * -c master.yaml}) on this JVM's class path, on a free port it reports in its start line. Its
 * stderr (the log) goes to {@code master.log} beside the config, for a failing test to show.
 */
public final class MasterProcess implements AutoCloseable {
  /** "brine master 0.1.0: operator API on http://127.0.0.1:40123, vault sealed (shamir)". */
  private static final Pattern START_LINE = Pattern.compile("operator API on (https?://[^,\\s]+)");

  private static final long START_TIMEOUT_SECONDS = 60;

  private final Process process;
  private final String address;
  private final String startLine;
  private final Path log;

  private MasterProcess(Process process, String address, String startLine, Path log) {
    this.process = process;
    this.address = address;
    this.startLine = startLine;
    this.log = log;
  }

  /** A Shamir master with a 2048-bit key, its files under {@code dir}. */
  public static MasterProcess start(Path dir) {
    return start(dir, "");
  }

  /**
   * @param vaultExtra more YAML under {@code vault:}, each line indented by two spaces (a seal
   *     block, TLS files)
   */
  public static MasterProcess start(Path dir, String vaultExtra) {
    try {
      Path config = dir.resolve("master.yaml");
      Files.writeString(
          config,
          "pki_dir: "
              + dir.resolve("pki")
              + "\n"
              + "keysize: 2048\n"
              + "interface: 127.0.0.1\n"
              + "ret_port: 0\n"
              + "vault:\n"
              + "  storage_dir: "
              + dir.resolve("vault")
              + "\n"
              + "  api_addr: 127.0.0.1:0\n"
              + vaultExtra);
      return startWithConfig(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MasterProcess startWithConfig(Path config) throws IOException {
    return startWithConfig(config, List.of());
  }

  /**
   * As {@link #startWithConfig(Path)}, the command run through {@code prefix} (e.g. {@code
   * prlimit --nofile=1024:1024 --}, to give the master fewer file descriptors).
   */
  public static MasterProcess startWithConfig(Path config, List<String> prefix)
      throws IOException {
    return startWithConfig(config, prefix, List.of());
  }

  /** As {@link #startWithConfig(Path, List)}, with more JVM options (e.g. a test hook's -D). */
  public static MasterProcess startWithConfig(
      Path config, List<String> prefix, List<String> jvmOptions) throws IOException {
    Path log = config.resolveSibling("master.log");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(java(jvmOptions, "io.brine.cli.Brine", "master", "-c", config.toString()));
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> drain(process, lines), "master-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          Matcher matcher = START_LINE.matcher(line);
          if (matcher.find()) {
            return new MasterProcess(process, matcher.group(1), line, log);
          }
        }
        if (!process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException(
          "the master did not print its start line; its log:\n" + Files.readString(log));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the master started", e);
    }
  }

  /** The command line of a child JVM running {@code mainClass} on this JVM's class path. */
  public static List<String> java(String mainClass, String... args) {
    return java(List.of(), mainClass, args);
  }

  /** As {@link #java(String, String...)}, with more JVM options (e.g. -Dname=value). */
  public static List<String> java(List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-exports");
    command.add("jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED");
    // Short-lived JVMs on a small machine: the C1 compiler and serial GC start faster.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /** http://127.0.0.1:port, as BRINE_ADDR takes it. */
  public String address() {
    return address;
  }

  public String startLine() {
    return startLine;
  }

  /** The minion listener's port, from the start line's "minions on host:port". */
  public int minionPort() {
    Matcher m = Pattern.compile("minions on [^\\s]*:(\\d+)").matcher(startLine);
    if (!m.find()) {
      throw new IllegalStateException("no minion port in the start line: " + startLine);
    }
    return Integer.parseInt(m.group(1));
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Initialises the vault with one share, unseals it, and returns the root token: the set-up most
   * end-to-end tests start from.
   */
  public String initAndUnseal() {
    JsonNode init = initJson();
    unseal(init.get("keys").get(0).asText());
    return init.get("root_token").asText();
  }

  /** {@code sys/init} with one share: the answer holds {@code keys} and {@code root_token}. */
  public JsonNode initJson() {
    return put("/v1/sys/init", "{\"secret_shares\":1,\"secret_threshold\":1}");
  }

  public void unseal(String key) {
    put("/v1/sys/unseal", "{\"key\":\"" + key + "\"}");
  }

  private JsonNode put(String path, String body) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(address + path))
                      .timeout(Duration.ofSeconds(60))
                      .PUT(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
      }
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The master's process id, as {@code kill} takes it. */
  public long pid() {
    return process.pid();
  }

  /**
   * Sends {@code signal} (a name {@code kill} knows, e.g. {@code HUP}) as {@code kill -HUP <pid>}
   * does; returns once it is sent, not once the master has acted on it.
   */
  public void signal(String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + ": " + said);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Waits for the process to end by itself (a test hook's halt); its exit status. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the master is still running after " + timeout);
    }
    return process.exitValue();
  }

  /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing is flushed or closed. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the master survived SIGKILL for 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then waits; kills it if it does not stop in time. */
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

  private static void drain(Process process, BlockingQueue<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process ended; nothing more to read.
    }
  }
}
