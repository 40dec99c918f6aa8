package io.brine.bench.attack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@code brine master} under attack, a child process in its own folder: {@code
 * auto_accept: false} with an {@code autosign_file} naming the soak's minions, so that every
 * stranger's new id goes pending and counts against {@code max_pending_keys}. Its log (stdout and
 * stderr) is {@code master.log}, its pid in {@code master.pid} for bench/attack-soak.sh's cleanup.
 */
final class SoakMaster implements AutoCloseable {
  /** A small deployment's heap: a leak shows in the RSS well before a large one would fill. */
  static final List<String> JVM_OPTIONS = List.of("-Xmx256m");

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  /** How the master is configured beyond its ports and folders. */
  record Settings(
      int keysize,
      SoakTarget.Timeouts timeouts,
      boolean defaultTimeouts,
      int maxPendingKeys,
      int maxNewKeysPerAddress,
      List<String> autosign) {}

  private final Path dir;
  private final int minionPort;
  private final int apiPort;
  private final Process process;
  private final SoakApi api;

  private SoakMaster(Path dir, int minionPort, int apiPort, Process process) {
    this.dir = dir;
    this.minionPort = minionPort;
    this.apiPort = apiPort;
    this.process = process;
    this.api = new SoakApi(apiUrl());
  }

  static SoakMaster start(BrineCommand brine, Path dir, Settings settings) throws Exception {
    Files.createDirectories(dir);
    int minionPort = freePort();
    int apiPort = freePort();
    while (apiPort == minionPort) {
      apiPort = freePort();
    }
    Path autosign = dir.resolve("autosign");
    Files.write(autosign, settings.autosign());
    Path config = dir.resolve("master.yaml");
    Files.writeString(config, yaml(dir, minionPort, apiPort, autosign, settings));
    Process process =
        new ProcessBuilder(brine.command(JVM_OPTIONS, "master", "-c", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("master.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    Files.writeString(dir.resolve("master.pid"), process.pid() + "\n");
    SoakMaster master = new SoakMaster(dir, minionPort, apiPort, process);
    try {
      master.awaitApi();
    } catch (Exception e) {
      master.close();
      throw e;
    }
    return master;
  }

  private static String yaml(
      Path dir, int minionPort, int apiPort, Path autosign, Settings settings) {
    List<String> lines = new ArrayList<>();
    lines.add("pki_dir: " + dir.resolve("pki"));
    lines.add("cachedir: " + dir.resolve("cache"));
    lines.add("keysize: " + settings.keysize());
    lines.add("auto_accept: false");
    lines.add("autosign_file: " + autosign);
    lines.add("interface: 127.0.0.1");
    lines.add("ret_port: " + minionPort);
    lines.add("max_pending_keys: " + settings.maxPendingKeys());
    lines.add("max_new_keys_per_address: " + settings.maxNewKeysPerAddress());
    SoakTarget.Timeouts t = settings.timeouts();
    if (!settings.defaultTimeouts()) {
      lines.add("hello_timeout: " + t.hello().toSeconds());
      lines.add("confirm_timeout: " + t.confirm().toSeconds());
      lines.add("partial_frame_timeout: " + t.partialFrame().toSeconds());
    }
    lines.add("vault:");
    lines.add("  storage_dir: " + dir.resolve("vault"));
    lines.add("  api_addr: 127.0.0.1:" + apiPort);
    if (!settings.defaultTimeouts()) {
      lines.add("  http_read_header_timeout: " + t.httpReadHeader().toSeconds());
      lines.add("  http_read_timeout: " + t.httpReadHeader().toSeconds());
    }
    return String.join("\n", lines) + "\n";
  }

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  SoakApi api() {
    return api;
  }

  InetSocketAddress minionAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), minionPort);
  }

  InetSocketAddress apiAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return dir.resolve("master.log");
  }

  Path masterPub() {
    return dir.resolve("pki/master/master.pub");
  }

  Path pendingKeys() {
    return dir.resolve("pki/master/minions_pre");
  }

  /** {@code sys/init} with {@code shares} shares, {@code threshold} to unseal: keys and token. */
  JsonNode init(int shares, int threshold) throws IOException, InterruptedException {
    SoakApi.Reply r =
        api.put(
            "/v1/sys/init",
            SoakApi.JSON
                .createObjectNode()
                .put("secret_shares", shares)
                .put("secret_threshold", threshold));
    if (r.status() != 200) {
      throw new IOException("sys/init answered " + r.status() + " " + r.body());
    }
    api.token(r.body().path("root_token").asText());
    return r.body();
  }

  /** One share to {@code sys/unseal}: whether the vault is unsealed now. */
  boolean unseal(String share) throws IOException, InterruptedException {
    SoakApi.Reply r = api.put("/v1/sys/unseal", SoakApi.JSON.createObjectNode().put("key", share));
    if (r.status() != 200) {
      throw new IOException("sys/unseal answered " + r.status() + " " + r.body());
    }
    return !r.body().path("sealed").asBoolean(true);
  }

  /** The first unseal makes the master's key; master.pub appears when it is ready. */
  void awaitMasterKey() throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!Files.exists(masterPub())) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("no master.pub after the unseal; see " + log());
      }
      Thread.sleep(50);
    }
  }

  private void awaitApi() throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the master stopped; its log:\n" + Files.readString(log()));
      }
      try {
        if (api.get("/v1/sys/seal-status").status() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the master's API did not answer; see " + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /** SIGTERM, then SIGKILL if it does not stop within 20 s. */
  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
