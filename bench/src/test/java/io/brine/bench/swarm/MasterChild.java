package io.brine.bench.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code brine master} in a child JVM on the test's class path, on fixed ports so that a
 * restarted master is found where the swarm's minions and API client expect it. Its output goes to
 * {@code master.log} beside the config, across restarts; its pid goes to {@code master.pid}, as
 * bench/swarm.sh keeps it.
 */
final class MasterChild implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final Path config;
  private final String api;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private String unsealKey;

  private MasterChild(Path config, String api) {
    this.config = config;
    this.api = api;
  }

  /** Starts the master of {@code config}, whose operator API is at {@code api}. */
  static MasterChild start(Path config, String api) throws Exception {
    MasterChild master = new MasterChild(config, api);
    master.launch();
    return master;
  }

  String api() {
    return api;
  }

  Path log() {
    return config.resolveSibling("master.log");
  }

  Path pidFile() {
    return config.resolveSibling("master.pid");
  }

  /** Initialises the vault with one share, unseals it, and returns the root token. */
  String initAndUnseal() throws Exception {
    JsonNode init = put("/v1/sys/init", "{\"secret_shares\":1,\"secret_threshold\":1}");
    unsealKey = init.get("keys").get(0).asText();
    put("/v1/sys/unseal", "{\"key\":\"" + unsealKey + "\"}");
    return init.get("root_token").asText();
  }

  /** Unseals with a share another master's init gave (a cluster's standby). */
  void unseal(String share) throws Exception {
    unsealKey = share;
    put("/v1/sys/unseal", "{\"key\":\"" + share + "\"}");
  }

  /** The share the last init or unseal used. */
  String unsealKey() {
    return unsealKey;
  }

  /** What bench/swarm.sh's restart.sh does: SIGKILL, start again, unseal with the saved share. */
  void killAndRestart() throws Exception {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the master survived SIGKILL for 20 s");
    }
    launch();
    put("/v1/sys/unseal", "{\"key\":\"" + unsealKey + "\"}");
  }

  private void launch() throws Exception {
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.brine.cli.Brine",
                "master",
                "-c",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    Path temp = Files.createTempFile(pidFile().getParent(), "master.pid.", ".tmp");
    Files.writeString(temp, process.pid() + "\n");
    Files.move(temp, pidFile(), StandardCopyOption.ATOMIC_MOVE);
    awaitApi();
  }

  private void awaitApi() throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    HttpRequest status = HttpRequest.newBuilder(URI.create(api + "/v1/sys/seal-status")).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the master stopped; its log:\n" + Files.readString(log()));
      }
      try {
        if (http.send(status, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the master's API did not answer; its log:\n" + Files.readString(log()));
  }

  private JsonNode put(String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * A swarm master's config: auto_accept, the stranger limits lifted (the whole fleet is one
   * loopback address), a short reauth_window so a rotation phase is short, fixed ports (a restart
   * must be found where the minions expect it), and {@code vault} lines for its storage.
   */
  static String swarmConfig(Path home, int port, String api, String... vaultStorage) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "pki_dir: " + home.resolve("pki"),
                "cachedir: " + home.resolve("cache"),
                "keysize: 2048",
                "auto_accept: true",
                "interface: 127.0.0.1",
                "ret_port: " + port,
                "reauth_window: 2",
                "max_handshakes_per_address: 100000",
                "max_unauthenticated_per_address: 100000",
                "max_new_keys_per_address: 100000",
                "vault:"));
    lines.addAll(List.of(vaultStorage));
    lines.add("  api_addr: " + api.substring("http://".length()));
    lines.add("");
    return String.join("\n", lines);
  }

  static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** A master writes master.pub when the first unseal has made (or read) its key. */
  static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " did not appear within 60 s");
    }
  }

  /** SIGTERM, then SIGKILL if it does not stop. */
  @Override
  public void close() {
    io.brine.bench.attack.ChildProcesses.stop(process);
  }
}
