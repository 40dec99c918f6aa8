package io.brine.bench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.bench.attack.BrineCommand;
import io.brine.bench.attack.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real {@code brine master} being measured, a child process in its own folder, with {@code
 * unsafe_allow_api_audit_creation: true} so that the benchmark can enable and disable a file
 * device between rounds. Its log is {@code master.log}, its pid in {@code master.pid} for
 * bench/api-audit.sh's cleanup. The control calls (init, unseal, policy, token, audit) go through
 * java.net.http; the measured requests do not (see {@link KeepAliveClient}).
 */
final class BenchMaster implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Duration START_LIMIT = Duration.ofSeconds(120);

  private final Path dir;
  private final int apiPort;
  private final Process process;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String rootToken;

  private BenchMaster(Path dir, int apiPort, Process process) {
    this.dir = dir;
    this.apiPort = apiPort;
    this.process = process;
  }

  static BenchMaster start(BrineCommand brine, List<String> jvmOptions, Path dir) throws Exception {
    Files.createDirectories(dir);
    int minionPort = freePort();
    int apiPort = freePort();
    while (apiPort == minionPort) {
      apiPort = freePort();
    }
    Path config = dir.resolve("master.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "pki_dir: " + dir.resolve("pki"),
            "cachedir: " + dir.resolve("cache"),
            "keysize: 2048",
            "interface: 127.0.0.1",
            "ret_port: " + minionPort,
            "vault:",
            "  storage_dir: " + dir.resolve("vault"),
            "  api_addr: 127.0.0.1:" + apiPort,
            "  unsafe_allow_api_audit_creation: true",
            ""));
    Process process =
        new ProcessBuilder(brine.command(jvmOptions, "master", "-c", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("master.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Files.writeString(dir.resolve("master.pid"), process.pid() + "\n");
    BenchMaster master = new BenchMaster(dir, apiPort, process);
    try {
      master.awaitApi();
    } catch (Exception e) {
      master.close();
      throw e;
    }
    return master;
  }

  InetSocketAddress apiAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort);
  }

  long pid() {
    return process.pid();
  }

  /** One share, unsealed, and the master's key made (the first unseal makes it: not measured). */
  void initAndUnseal() throws Exception {
    JsonNode init =
        call("PUT", "/v1/sys/init", JSON.createObjectNode().put("secret_shares", 1).put("secret_threshold", 1), 200);
    rootToken = init.path("root_token").asText();
    call("PUT", "/v1/sys/unseal", JSON.createObjectNode().put("key", init.path("keys_base64").get(0).asText()), 200);
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!Files.exists(dir.resolve("pki/master/master.pub"))) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("no master.pub after the unseal; see " + log());
      }
      Thread.sleep(50);
    }
  }

  /** Writes the policy and makes a token holding it (and default), with the root token. */
  String tokenWithPolicy(String name, String hcl) throws Exception {
    call("PUT", "/v1/sys/policies/acl/" + name, JSON.createObjectNode().put("policy", hcl), 204);
    ObjectNode request = JSON.createObjectNode();
    request.putArray("policies").add(name);
    request.put("display_name", "bench");
    return call("POST", "/v1/auth/token/create", request, 200).path("auth").path("client_token").asText();
  }

  void enableFileDevice(String path, Path file) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("type", "file").put("description", "bench");
    body.putObject("options").put("file_path", file.toString());
    call("PUT", "/v1/sys/audit/" + path, body, 204);
  }

  void disableDevice(String path) throws Exception {
    call("DELETE", "/v1/sys/audit/" + path, null, 204);
  }

  Path log() {
    return dir.resolve("master.log");
  }

  private JsonNode call(String method, String path, JsonNode body, int expected) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (rootToken != null) {
      request.header("X-Vault-Token", rootToken);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IOException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  private void awaitApi() throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the master stopped; its log:\n" + Files.readString(log()));
      }
      try {
        call("GET", "/v1/sys/seal-status", null, 200);
        return;
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
