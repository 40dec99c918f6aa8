package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm, small, so the harness cannot rot: 50 minions against a real {@code brine master}
 * child process, every one authenticated and every test.ping answered by all. Counts only; the
 * timings are for docs/performance.md, never asserted.
 */
class SwarmSmokeTest {
  private static final Pattern API = Pattern.compile("operator API on (http://[^,\\s]+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void fiftyMinions_allAuthenticate_andAnswerEveryPing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path config = dir.resolve("master.yaml");
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("pki") + "\nkeysize: 2048\nauto_accept: true\n"
            + "interface: 127.0.0.1\nret_port: " + port + "\nmax_handshakes_per_address: 100000\n"
            + "vault:\n  storage_dir: " + dir.resolve("vault") + "\n  api_addr: 127.0.0.1:0\n");
    Process master =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.brine.cli.Brine",
                "master",
                "-c",
                config.toString())
            .redirectError(dir.resolve("master.log").toFile())
            .start();
    try {
      String api = apiAddress(master);
      String token = initAndUnseal(api);
      SwarmOptions options =
          new SwarmOptions(
              "127.0.0.1", port, api, token, 50, dir.resolve("keys"), 2048, 3, 2, null, false);

      Swarm.Result result = new Swarm(options).run();

      assertThat(result.authenticated()).as(Files.readString(dir.resolve("master.log"))).isEqualTo(50);
      assertThat(result.keysMade()).isEqualTo(50);
      assertThat(result.pingsComplete()).isEqualTo(3);
      assertThat(Swarm.table(options, result)).contains("authenticated", "p99");
      assertThat(Swarm.json(options, result).path("ping_seconds").size()).isEqualTo(3);
    } finally {
      master.destroy();
      master.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static String apiAddress(Process master) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = API.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new IllegalStateException("the master printed no start line");
  }

  private static String initAndUnseal(String api) throws Exception {
    JsonNode init = put(api + "/v1/sys/init", "{\"secret_shares\":1,\"secret_threshold\":1}");
    put(api + "/v1/sys/unseal", "{\"key\":\"" + init.get("keys").get(0).asText() + "\"}");
    return init.get("root_token").asText();
  }

  private static JsonNode put(String url, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60))
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

}
