package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.ExitCodes;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 end to end: {@code brine audit enable, list, verify, disable} as an operator runs them,
 * against a real master in a child JVM that allows audit devices through the API. The device
 * writes a real file in a temp dir; {@code brine audit verify} checks the chain and the signed
 * checkpoints against the key the master publishes.
 */
class AuditCliEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void enableListRecordVerifyDisable() throws Exception {
    Path log = dir.resolve("logs").resolve("brine_audit.log");
    Files.createDirectories(log.getParent());
    try (MasterProcess master =
        MasterProcess.start(dir, "  unsafe_allow_api_audit_creation: true\n")) {
      String rootToken = master.initAndUnseal();
      Cli root = new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", rootToken);

      Result enable =
          root.run(
              "audit", "enable", "-description=e2e trail", "file", "file_path=" + log);
      Result list = root.run("audit", "list");
      Result detailed = root.run("audit", "list", "-detailed");
      Result json = root.run("audit", "list", "-format=json");
      Result lookup = root.run("token", "lookup");

      assertOk(enable);
      assertThat(enable.out().strip()).isEqualTo("Success! Enabled the file audit device at: file/");
      assertOk(list);
      assertThat(list.out().lines().toList())
          .containsExactly(
              "Path     Type    Description",
              "----     ----    -----------",
              "file/    file    e2e trail");
      assertOk(detailed);
      assertThat(detailed.out()).contains("replicated").contains("file_path=" + log);
      JsonNode devices = JSON.readTree(json.out());
      assertThat(devices.path("file/").path("type").asText()).isEqualTo("file");
      assertThat(devices.path("file/").path("options").path("file_path").asText())
          .isEqualTo(log.toString());
      assertOk(lookup);

      List<String> lines = Files.readAllLines(log);
      assertThat(lines).anySatisfy(line -> assertThat(line).contains("auth/token/lookup-self"));
      assertThat(String.join("\n", lines)).doesNotContain(rootToken);

      String key = get(master.address() + "/v1/brine/audit/checkpoint-key");
      Result verifyLive = root.run("audit", "verify", "--public-key", key, log.toString());
      assertThat(verifyLive.exitCode()).as(verifyLive.toString()).isEqualTo(ExitCodes.OK);

      Result disable = root.run("audit", "disable", "file/");
      Result none = root.run("audit", "list");
      Result verifyClosed = root.run("audit", "verify", "--public-key", key, log.toString());

      assertOk(disable);
      assertThat(disable.out().strip())
          .isEqualTo("Success! Disabled audit device (if it was enabled) at: file/");
      assertThat(none.out().strip()).isEqualTo("No audit devices are enabled.");
      assertThat(none.exitCode()).isEqualTo(2);
      assertThat(verifyClosed.exitCode()).as(verifyClosed.toString()).isEqualTo(ExitCodes.OK);
      assertThat(Files.readAllLines(log).size()).isGreaterThan(lines.size());
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static void assertOk(Result result) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).as(result.toString()).isEmpty();
  }
}
