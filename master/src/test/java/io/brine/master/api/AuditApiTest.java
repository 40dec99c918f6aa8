package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.audit.AuditVerifier;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit API on a real master over loopback TCP, with a device declared in its config. */
class AuditApiTest {
  @TempDir Path dir;

  private TestMaster.Started master;

  @AfterEach
  void stop() {
    if (master != null) {
      master.daemon().close();
    }
  }

  private String unseal(ApiClient api) throws Exception {
    JsonNode init = api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    api.put("/v1/sys/unseal", ApiClient.key(init.path("keys").get(0).asText()));
    return init.path("root_token").asText();
  }

  private TestMaster.Started start(String extra) throws Exception {
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  audit_checkpoint_entries: 3\n"
                    + "  audit:\n"
                    + "    - type: file\n"
                    + "      description: main\n"
                    + "      options: {file_path: audit/audit.log}\n"
                    + extra));
    return master;
  }

  @Test
  void listHashKeyAndHead_inOpenBaosShapes() throws Exception {
    ApiClient api = start("").client();
    String token = unseal(api);

    JsonNode list = api.get("/v1/sys/audit", token).json();
    for (JsonNode where : List.of(list, list.path("data"))) {
      JsonNode device = where.path("file/");
      assertThat(device.path("type").asText()).isEqualTo("file");
      assertThat(device.path("description").asText()).isEqualTo("main");
      assertThat(device.path("path").asText()).isEqualTo("file/");
      assertThat(device.path("local").asBoolean(true)).isFalse();
      assertThat(device.path("options").path("file_path").asText())
          .isEqualTo(dir.resolve("audit/audit.log").toString());
    }

    ApiClient.Reply hash = api.put("/v1/sys/audit-hash/file", Map.of("input", "secret"), token);
    assertThat(hash.status()).isEqualTo(200);
    assertThat(hash.json().path("hash").asText()).startsWith("hmac-sha256:");
    assertThat(hash.json().path("data").path("hash").asText())
        .isEqualTo(master.daemon().audit().hash("file", "secret"));

    ApiClient.Reply key = api.get("/v1/brine/audit/checkpoint-key");
    assertThat(key.status()).isEqualTo(200);
    byte[] spki = AuditVerifier.parsePublicKey(key.text());
    assertThat(key.json().path("data").path("key_id").asText()).startsWith("ed25519:");

    for (int i = 0; i < 4; i++) { // past a checkpoint
      master.daemon().audit().event(io.brine.master.audit.AuditEvent.job(
          "acc", "ops", "*", "glob", List.of(), "test.ping", "2026000000000000000" + i));
    }
    ApiClient.Reply head = api.get("/v1/brine/audit/head/file");
    assertThat(head.status()).isEqualTo(200);
    JsonNode parsedHead = AuditVerifier.parseHead(head.text());
    Path log = dir.resolve("audit/audit.log");
    AuditVerifier.Report r = AuditVerifier.verify(List.of(log), spki, parsedHead);
    assertThat(r.holds()).as(r.lines().toString()).isTrue();
  }

  @Test
  void enableThroughTheApi_isRefusedByDefault_withOpenBaosMessage() throws Exception {
    ApiClient api = start("").client();
    String token = unseal(api);
    ApiClient.Reply refused =
        api.put(
            "/v1/sys/audit/other",
            Map.of("type", "file", "options", Map.of("file_path", dir.resolve("o.log").toString())),
            token);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.error()).isEqualTo("cannot enable audit device via API");
    assertThat(Files.exists(dir.resolve("o.log"))).isFalse();
  }

  @Test
  void enableAndDisable_whenTheConfigAllowsIt() throws Exception {
    ApiClient api = start("  unsafe_allow_api_audit_creation: true\n").client();
    String token = unseal(api);
    Path other = dir.resolve("o.log");
    ApiClient.Reply enabled =
        api.put(
            "/v1/sys/audit/other",
            Map.of("type", "file", "description", "copy",
                "options", Map.of("file_path", other.toString(), "hmac_accessor", false)),
            token);
    assertThat(enabled.status()).as(enabled.text()).isEqualTo(204);
    assertThat(api.get("/v1/sys/audit", token).json().path("data").path("other/")
        .path("options").path("hmac_accessor").asText()).isEqualTo("false");
    ApiClient.Reply bad =
        api.put("/v1/sys/audit/x", Map.of("type", "syslog"), token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("unknown audit device type syslog: brine has the file device only");
    assertThat(api.delete("/v1/sys/audit/other", token).status()).isEqualTo(204);
    assertThat(api.get("/v1/sys/audit", token).json().path("data").has("other/")).isFalse();
    assertThat(api.get("/v1/sys/audit").status()).isEqualTo(403);
  }

  @Test
  void sighupReopen_andTheSealCheckpoint_onARunningMaster() throws Exception {
    ApiClient api = start("").client();
    String token = unseal(api);
    Path log = dir.resolve("audit/audit.log");
    Path rotated = dir.resolve("audit/audit.log.1");
    Files.move(log, rotated);
    master.daemon().reopenAuditDevices();
    byte[] spki = AuditVerifier.parsePublicKey(api.get("/v1/brine/audit/checkpoint-key").text());
    assertThat(api.put("/v1/sys/seal", "", token).status()).isEqualTo(204);
    AuditVerifier.Report r = AuditVerifier.verify(List.of(rotated, log), spki, null);
    assertThat(r.holds()).as(r.lines().toString()).isTrue();
    assertThat(r.lines()).noneMatch(l -> l.startsWith("warning"));
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"checkpoint\"");
  }
}
