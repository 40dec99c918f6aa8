package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KV version 2 engine at /v1/secret/ on a real master over loopback HTTP, with a file audit
 * device: OpenBao's envelopes, status codes and messages, the policies' paths, and what the audit
 * file and the vault's storage hold of a secret (never the value in clear). One master for the
 * class; each test uses its own secret paths.
 */
class KvEndpointsTest {
  private static final String VALUE = "hunter2-correct-horse-0c1d";
  private static final long PIN = 987_654_321_123L;

  @TempDir static Path dir;

  private static TestMaster.Started master;
  private static ApiClient api;
  private static String root;
  private static int counter;

  @BeforeAll
  static void start() throws Exception {
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  unsafe_allow_api_audit_creation: true\n"
                    + "  audit:\n"
                    + "    - type: file\n"
                    + "      options: {file_path: audit/audit.log}\n"));
    api = master.client();
    root = master.initAndUnseal();
  }

  @AfterAll
  static void stop() {
    if (master != null) {
      master.daemon().close();
    }
  }

  private static ApiClient.Reply send(String method, String path, String body, String token)
      throws Exception {
    return body == null
        ? api.send(method, path, null, "X-Vault-Token", token)
        : api.send(method, path, body, "X-Vault-Token", token);
  }

  private static ApiClient.Reply write(String path, Object body) throws Exception {
    return api.put("/v1/secret/data/" + path, body, root);
  }

  @Test
  void writeThenRead_inOpenBaosEnvelope() throws Exception {
    ApiClient.Reply w = write("env/app", Map.of("data", Map.of("password", VALUE, "port", 5432)));
    assertThat(w.status()).as(w.text()).isEqualTo(200);
    JsonNode wj = w.json();
    assertThat(fieldNames(wj))
        .containsExactly(
            "request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info",
            "warnings", "auth", "mount_type");
    assertThat(wj.path("data").path("version").asInt()).isEqualTo(1);
    assertThat(wj.path("data").path("deletion_time").asText()).isEmpty();
    assertThat(wj.path("data").path("destroyed").asBoolean()).isFalse();
    assertThat(wj.path("data").path("custom_metadata").isNull()).isTrue();
    assertThat(wj.path("data").path("created_time").asText()).endsWith("Z");
    assertThat(wj.path("lease_id").asText()).isEmpty();
    assertThat(wj.path("mount_type").asText()).isEqualTo("kv");

    ApiClient.Reply r = api.get("/v1/secret/data/env/app", root);
    assertThat(r.status()).isEqualTo(200);
    JsonNode data = r.json().path("data");
    assertThat(data.path("data").path("password").asText()).isEqualTo(VALUE);
    assertThat(data.path("data").path("port").asInt()).isEqualTo(5432);
    assertThat(data.path("metadata").path("version").asInt()).isEqualTo(1);
    assertThat(fieldNames(data.path("metadata")))
        .containsExactlyInAnyOrder(
            "created_time", "custom_metadata", "deletion_time", "destroyed", "version");
  }

  @Test
  void versions_checkAndSet_andMissing() throws Exception {
    assertThat(write("cas/a", Map.of("data", Map.of("k", "1"), "options", Map.of("cas", 0))).status())
        .isEqualTo(200);
    ApiClient.Reply mismatch =
        write("cas/a", Map.of("data", Map.of("k", "2"), "options", Map.of("cas", 0)));
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(mismatch.json().path("errors").get(0).asText())
        .isEqualTo("check-and-set parameter did not match the current version");
    assertThat(write("cas/a", Map.of("data", Map.of("k", "2"), "options", Map.of("cas", 1))).status())
        .isEqualTo(200);

    assertThat(api.get("/v1/secret/data/cas/a?version=1", root).json()
            .path("data").path("data").path("k").asText()).isEqualTo("1");
    assertThat(api.get("/v1/secret/data/cas/a", root).json()
            .path("data").path("data").path("k").asText()).isEqualTo("2");

    ApiClient.Reply missing = api.get("/v1/secret/data/cas/nothing", root);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().toString()).isEqualTo("{\"errors\":[]}");
    assertThat(api.get("/v1/secret/data/cas/a?version=9", root).status()).isEqualTo(404);
    assertThat(api.get("/v1/secret/data/cas/a?version=x", root).status()).isEqualTo(400);

    ApiClient.Reply noData = write("cas/b", Map.of("options", Map.of()));
    assertThat(noData.status()).isEqualTo(400);
    assertThat(noData.error()).isEqualTo("no data provided");
  }

  @Test
  void patch_mergesWithMergePatch() throws Exception {
    write("patch/a", Map.of("data", Map.of("keep", "1", "drop", "2")));
    ApiClient.Reply p =
        api.send(
            "PATCH",
            "/v1/secret/data/patch/a",
            "{\"data\":{\"drop\":null,\"new\":\"3\"},\"options\":{\"cas\":1}}",
            "X-Vault-Token",
            root,
            "Content-Type",
            "application/merge-patch+json");
    assertThat(p.status()).as(p.text()).isEqualTo(200);
    assertThat(p.json().path("data").path("version").asInt()).isEqualTo(2);
    JsonNode data = api.get("/v1/secret/data/patch/a", root).json().path("data").path("data");
    assertThat(fieldNames(data)).containsExactlyInAnyOrder("keep", "new");

    ApiClient.Reply none =
        send("PATCH", "/v1/secret/data/patch/none", "{\"data\":{\"a\":\"b\"}}", root);
    assertThat(none.status()).isEqualTo(404);
  }

  @Test
  void deleteUndeleteDestroy_andTheDeletedReadCarriesItsMetadata() throws Exception {
    write("del/a", Map.of("data", Map.of("k", "1")));
    write("del/a", Map.of("data", Map.of("k", "2")));
    assertThat(api.delete("/v1/secret/data/del/a", root).status()).isEqualTo(204);

    ApiClient.Reply deleted = api.get("/v1/secret/data/del/a", root);
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.json().path("data").path("data").isNull()).isTrue();
    assertThat(deleted.json().path("data").path("metadata").path("version").asInt()).isEqualTo(2);
    assertThat(deleted.json().path("data").path("metadata").path("deletion_time").asText())
        .isNotEmpty();

    assertThat(api.put("/v1/secret/undelete/del/a", Map.of("versions", List.of(2)), root).status())
        .isEqualTo(204);
    assertThat(api.get("/v1/secret/data/del/a", root).status()).isEqualTo(200);
    assertThat(api.put("/v1/secret/delete/del/a", Map.of("versions", List.of(1, 2)), root).status())
        .isEqualTo(204);
    assertThat(api.get("/v1/secret/data/del/a?version=1", root).status()).isEqualTo(404);
    assertThat(api.put("/v1/secret/destroy/del/a", Map.of("versions", "1"), root).status())
        .isEqualTo(204);
    JsonNode versions =
        api.get("/v1/secret/metadata/del/a", root).json().path("data").path("versions");
    assertThat(versions.path("1").path("destroyed").asBoolean()).isTrue();
    assertThat(versions.path("2").path("destroyed").asBoolean()).isFalse();

    ApiClient.Reply none = api.put("/v1/secret/delete/del/a", Map.of("versions", List.of()), root);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.error()).isEqualTo("no version number provided");
  }

  @Test
  void metadata_readWritePatchDelete_inOpenBaosShape() throws Exception {
    ApiClient.Reply set =
        api.put(
            "/v1/secret/metadata/meta/a",
            Map.of(
                "max_versions", 5,
                "cas_required", false,
                "delete_version_after", "3h",
                "custom_metadata", Map.of("owner", "ops")),
            root);
    assertThat(set.status()).as(set.text()).isEqualTo(204);
    write("meta/a", Map.of("data", Map.of("k", "v")));
    JsonNode m = api.get("/v1/secret/metadata/meta/a", root).json().path("data");
    assertThat(fieldNames(m))
        .containsExactlyInAnyOrder(
            "cas_required", "created_time", "current_version", "custom_metadata",
            "delete_version_after", "max_versions", "oldest_version", "updated_time", "versions");
    assertThat(m.path("max_versions").asInt()).isEqualTo(5);
    assertThat(m.path("delete_version_after").asText()).isEqualTo("3h0m0s");
    assertThat(m.path("current_version").asInt()).isEqualTo(1);
    assertThat(m.path("oldest_version").asInt()).isZero();
    assertThat(m.path("custom_metadata").path("owner").asText()).isEqualTo("ops");
    assertThat(fieldNames(m.path("versions").path("1")))
        .containsExactlyInAnyOrder("created_time", "deletion_time", "destroyed");
    assertThat(m.path("versions").path("1").path("deletion_time").asText()).isNotEmpty();

    ApiClient.Reply patch =
        send("PATCH", "/v1/secret/metadata/meta/a",
            "{\"custom_metadata\":{\"owner\":null,\"team\":\"db\"}}", root);
    assertThat(patch.status()).as(patch.text()).isEqualTo(204);
    JsonNode custom =
        api.get("/v1/secret/metadata/meta/a", root).json().path("data").path("custom_metadata");
    assertThat(custom.toString()).isEqualTo("{\"team\":\"db\"}");

    ApiClient.Reply tooMany =
        api.put("/v1/secret/metadata/meta/a", Map.of("custom_metadata", Map.of("", "x")), root);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.error()).startsWith("custom_metadata validation failed: ");

    assertThat(api.delete("/v1/secret/metadata/meta/a", root).status()).isEqualTo(204);
    assertThat(api.get("/v1/secret/metadata/meta/a", root).status()).isEqualTo(404);
    assertThat(api.get("/v1/secret/data/meta/a", root).status()).isEqualTo(404);
  }

  @Test
  void list_withTheListMethodAndWithListTrue() throws Exception {
    write("list/a", Map.of("data", Map.of("k", "v")));
    write("list/b/c", Map.of("data", Map.of("k", "v")));
    ApiClient.Reply listed = send("LIST", "/v1/secret/metadata/list/", null, root);
    assertThat(listed.status()).as(listed.text()).isEqualTo(200);
    assertThat(listed.json().path("data").path("keys").toString()).isEqualTo("[\"a\",\"b/\"]");
    assertThat(api.get("/v1/secret/metadata/list?list=true", root).json()
            .path("data").path("keys").toString()).isEqualTo("[\"a\",\"b/\"]");
    ApiClient.Reply top = send("LIST", "/v1/secret/metadata/", null, root);
    assertThat(top.json().path("data").path("keys").toString()).contains("\"list/\"");
    ApiClient.Reply empty = send("LIST", "/v1/secret/metadata/list/none/", null, root);
    assertThat(empty.status()).isEqualTo(404);
    assertThat(empty.json().toString()).isEqualTo("{\"errors\":[]}");
  }

  @Test
  void config_mounts_andPathsThatAreNoneOfTheEngines() throws Exception {
    JsonNode config = api.get("/v1/secret/config", root).json().path("data");
    assertThat(config.path("max_versions").asInt()).isZero();
    assertThat(config.path("delete_version_after").asText()).isEqualTo("0s");
    assertThat(config.path("cas_required").asBoolean()).isFalse();

    JsonNode preflight =
        api.get("/v1/sys/internal/ui/mounts/secret/db/prod", root).json().path("data");
    assertThat(preflight.path("type").asText()).isEqualTo("kv");
    assertThat(preflight.path("path").asText()).isEqualTo("secret/");
    assertThat(preflight.path("options").path("version").asText()).isEqualTo("2");
    assertThat(api.get("/v1/sys/internal/ui/mounts/other/x", root).status()).isEqualTo(403);

    JsonNode mounts = api.get("/v1/sys/mounts", root).json();
    assertThat(mounts.path("data").path("secret/").path("type").asText()).isEqualTo("kv");
    assertThat(mounts.path("secret/").path("options").path("version").asText()).isEqualTo("2");

    assertThat(api.get("/v1/secret/db/prod", root).status()).isEqualTo(404);
    ApiClient.Reply wrongMethod = send("LIST", "/v1/secret/data/x", null, root);
    assertThat(wrongMethod.status()).isEqualTo(405);
  }

  @Test
  void policies_useOpenBaosKvPaths_andAnyOtherTokenIsRefused() throws Exception {
    write("team/db", Map.of("data", Map.of("password", VALUE)));
    write("other/db", Map.of("data", Map.of("password", VALUE)));
    String reader =
        tokenWith(
            "path \"secret/data/team/*\" { capabilities = [\"read\"] }\n"
                + "path \"secret/metadata/team/*\" { capabilities = [\"list\"] }\n");

    assertThat(api.get("/v1/secret/data/team/db", reader).status()).isEqualTo(200);
    ApiClient.Reply other = api.get("/v1/secret/data/other/db", reader);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.error()).startsWith("permission denied");
    assertThat(write403(reader, "team/db")).isEqualTo(403);
    assertThat(send("LIST", "/v1/secret/metadata/team/", null, reader).status()).isEqualTo(200);
    assertThat(api.get("/v1/secret/metadata/team/db", reader).status()).isEqualTo(403);
    assertThat(api.delete("/v1/secret/data/team/db", reader).status()).isEqualTo(403);
    assertThat(api.put("/v1/secret/destroy/team/db", Map.of("versions", List.of(1)), reader)
            .status()).isEqualTo(403);
    assertThat(api.get("/v1/secret/data/team/db", "s.not-a-token").status()).isEqualTo(403);
    assertThat(api.get("/v1/secret/data/team/db").status()).isEqualTo(403);
  }

  @Test
  void theSecretIsNeverInClear_inTheAuditFile_orInTheVaultsStorage() throws Exception {
    assertThat(write("audit/db", Map.of("data", Map.of("password", VALUE, "pin", PIN))).status())
        .isEqualTo(200);
    assertThat(api.get("/v1/secret/data/audit/db", root).status()).isEqualTo(200);
    send("PATCH", "/v1/secret/data/audit/db", "{\"data\":{\"password\":\"" + VALUE + "x\"}}", root);

    String audit = Files.readString(dir.resolve("audit/audit.log"), StandardCharsets.UTF_8);
    assertThat(audit).contains("secret/data/audit/db");
    assertThat(audit).doesNotContain(VALUE);
    assertThat(audit).doesNotContain(Long.toString(PIN));
    // It is there as OpenBao records it: HMAC'd with the device's salt, request and response.
    String hmac = master.daemon().audit().hash("file", VALUE);
    assertThat(audit.split(java.util.regex.Pattern.quote(hmac), -1).length - 1)
        .isGreaterThanOrEqualTo(2);
    assertThat(audit).contains(master.daemon().audit().hash("file", Long.toString(PIN)));

    for (Path file : files(dir.resolve("vault"))) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(text).as(file.toString()).doesNotContain(VALUE).doesNotContain("password");
    }
  }

  private static int write403(String token, String path) throws Exception {
    return api.put("/v1/secret/data/" + path, Map.of("data", Map.of("k", "v")), token).status();
  }

  private static String tokenWith(String policy) throws Exception {
    String name = "kv-" + (++counter);
    assertThat(api.put("/v1/sys/policies/acl/" + name, Map.of("policy", policy), root).status())
        .isEqualTo(204);
    ApiClient.Reply created =
        api.put("/v1/auth/token/create", Map.of("policies", List.of(name), "ttl", "10m"), root);
    return created.json().path("auth").path("client_token").asText();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }
}
