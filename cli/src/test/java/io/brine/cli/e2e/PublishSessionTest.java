package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed table 1, rows 17-19: the master rotates the publish key by itself every {@code
 * publish_session} (a day by default; 3 s here) and every connected minion re-authenticates over
 * its open connection, again and again, with a real master and a real minion process.
 */
class PublishSessionTest {
  @TempDir Path dir;

  @Test
  void rows17to19_theMasterRotatesEveryPublishSession_andTheMinionFollowsWithoutReconnecting()
      throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\npublish_session: 3\n"
            + "reauth_window: 1\nauto_accept: true\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n");
    try (MasterProcess master = MasterProcess.startWithConfig(config)) {
      unseal(master);
      try (MinionProcess web1 =
          MinionProcess.start(dir.resolve("minion"), "web1", master.minionPort())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (web1.count("re-authenticated to master") < 2 && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        assertThat(web1.count("re-authenticated to master"))
            .as("two rotations followed; minion log:%n%s%nmaster log:%n%s", web1.log(), master.log())
            .isGreaterThanOrEqualTo(2);
        assertThat(web1.count("lost the connection")).as("over the open connection").isZero();
        assertThat(master.log()).contains("publish_session elapsed");
        assertThat(new Cli().env("BRINE_MASTER_CONFIG", config.toString()).run("key", "-l", "acc").out())
            .contains("web1");
      }
    }
  }

  private static void unseal(MasterProcess master) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    JsonNode init =
        json.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(master.address() + "/v1/sys/init"))
                        .PUT(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"secret_shares\":1,\"secret_threshold\":1}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String key = init.get("keys").get(0).asText();
    HttpResponse<String> unsealed =
        http.send(
            HttpRequest.newBuilder(URI.create(master.address() + "/v1/sys/unseal"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsealed.body()).contains("\"sealed\":false");
  }
}
