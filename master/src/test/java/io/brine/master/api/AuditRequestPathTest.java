package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the one request path writes to an audit device, on a real master over loopback HTTP: a
 * request and a response entry per audited request, tokens and shares never in the file, policy
 * refusals with their error, the monitors' paths left out, jobs as events.
 */
class AuditRequestPathTest {
  @TempDir Path dir;

  private TestMaster.Started master;
  private ApiClient api;
  private String share;
  private String root;

  private Path log() {
    return dir.resolve("audit/audit.log");
  }

  @BeforeEach
  void start() throws Exception {
    // An accepted minion, so that a job has a target to resolve (it is not connected: "missing").
    Path accepted = dir.resolve("pki/master/minions");
    Files.createDirectories(accepted);
    Files.writeString(
        accepted.resolve("web1"),
        Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic()));
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  unsafe_allow_api_audit_creation: true\n"
                    + "  audit:\n"
                    + "    - type: file\n"
                    + "      options: {file_path: audit/audit.log}\n"));
    api = master.client();
    JsonNode init = api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    share = init.path("keys").get(0).asText();
    assertThat(api.put("/v1/sys/unseal", ApiClient.key(share)).json().path("sealed").asBoolean())
        .isFalse();
    root = init.path("root_token").asText();
  }

  @AfterEach
  void stop() {
    master.daemon().close();
  }

  private List<JsonNode> entries() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(log())) {
      out.add(ApiClient.JSON.readTree(line));
    }
    return out;
  }

  private List<JsonNode> ofType(String type) throws Exception {
    return entries().stream().filter(e -> e.path("type").asText().equals(type)).toList();
  }

  private String hash(String input) throws Exception {
    return master.daemon().audit().hash("file", input);
  }

  @Test
  void eachRequest_hasOneRequestAndOneResponseEntry_sharingItsId() throws Exception {
    assertThat(api.get("/v1/sys/key-status", root).status()).isEqualTo(200);
    assertThat(api.get("/v1/auth/token/lookup-self", root).status()).isEqualTo(200);
    assertThat(api.get("/v1/sys/policies/acl", root).status()).isEqualTo(200);

    List<JsonNode> requests = ofType("request");
    List<JsonNode> responses = ofType("response");
    for (String path : List.of("sys/key-status", "auth/token/lookup-self", "sys/policies/acl")) {
      List<String> requestIds =
          requests.stream()
              .filter(e -> e.path("request").path("path").asText().equals(path))
              .map(e -> e.path("request").path("id").asText())
              .toList();
      List<String> responseIds =
          responses.stream()
              .filter(e -> e.path("request").path("path").asText().equals(path))
              .map(e -> e.path("request").path("id").asText())
              .toList();
      assertThat(requestIds).as(path).hasSize(1);
      assertThat(requestIds.get(0)).as(path).isNotEmpty();
      assertThat(responseIds).as(path).isEqualTo(requestIds);
    }
    // Every id that starts a request is answered once, and no two requests share one.
    Map<String, Long> perId =
        entries().stream()
            .filter(e -> e.has("request"))
            .collect(Collectors.groupingBy(e -> e.path("request").path("id").asText(),
                Collectors.counting()));
    assertThat(perId.values()).allMatch(n -> n == 2);
  }

  @Test
  void tokenCreate_theResponseCarriesTheTokenHmacd_andTheRawTokenIsNowhere() throws Exception {
    ApiClient.Reply created =
        api.put("/v1/auth/token/create", Map.of("policies", List.of("default"),
            "display_name", "ci"), root);
    assertThat(created.status()).isEqualTo(200);
    String token = created.json().path("auth").path("client_token").asText();
    String accessor = created.json().path("auth").path("accessor").asText();
    assertThat(token).startsWith("s.");
    assertThat(api.get("/v1/auth/token/lookup-self", token).status()).isEqualTo(200);

    JsonNode response =
        ofType("response").stream()
            .filter(e -> e.path("request").path("path").asText().equals("auth/token/create"))
            .findFirst()
            .orElseThrow();
    assertThat(response.path("response").path("auth").path("client_token").asText())
        .isEqualTo(hash(token));
    assertThat(response.path("response").path("auth").path("accessor").asText())
        .isEqualTo(hash(accessor));
    JsonNode self =
        ofType("request").stream()
            .filter(e -> e.path("request").path("path").asText().equals("auth/token/lookup-self"))
            .findFirst()
            .orElseThrow();
    assertThat(self.path("request").path("client_token").asText()).isEqualTo(hash(token));
    assertThat(self.path("auth").path("display_name").asText()).isEqualTo("token-ci");

    String file = Files.readString(log());
    assertThat(file).doesNotContain(token).doesNotContain(token.substring(2));
    assertThat(file).doesNotContain(root).doesNotContain(accessor);
  }

  @Test
  void theUnsealShare_isNowhereInTheFile_butTheUnsealIsRecorded() throws Exception {
    List<JsonNode> unseals =
        ofType("request").stream()
            .filter(e -> e.path("request").path("path").asText().equals("sys/unseal"))
            .toList();
    assertThat(unseals).hasSize(1);
    assertThat(unseals.get(0).path("request").path("data").has("key")).isFalse();
    String file = Files.readString(log());
    assertThat(file).doesNotContain(share).doesNotContain(hash(share));
  }

  @Test
  void aRequestRefusedByPolicy_isRecordedWithItsError() throws Exception {
    String token =
        api.put("/v1/auth/token/create", Map.of("policies", List.of("default")), root)
            .json().path("auth").path("client_token").asText();
    ApiClient.Reply refused = api.get("/v1/sys/policies/acl/default", token);
    assertThat(refused.status()).isEqualTo(403);

    List<JsonNode> recorded =
        entries().stream()
            .filter(e -> e.path("request").path("path").asText().equals("sys/policies/acl/default"))
            .toList();
    assertThat(recorded).extracting(e -> e.path("type").asText())
        .containsExactly("request", "response");
    for (JsonNode e : recorded) {
      assertThat(e.path("error").asText()).isEqualTo(refused.error());
      assertThat(e.path("request").path("client_token").asText()).isEqualTo(hash(token));
      assertThat(e.path("auth").path("policy_results").path("allowed").asBoolean(true)).isFalse();
    }
    assertThat(recorded.get(0).path("request").path("id").asText())
        .isEqualTo(recorded.get(1).path("request").path("id").asText());
  }

  @Test
  void aFloodOfTokenlessRequests_costsTheAuditLogABurst_notTwoLinesEach() throws Exception {
    int before = entries().size();
    for (int i = 0; i < 200; i++) {
      assertThat(api.get("/v1/sys/key-status").status()).isEqualTo(403);
    }
    assertThat(api.get("/v1/sys/key-status", root).status()).isEqualTo(200);

    List<JsonNode> added = entries().subList(before, entries().size());
    long refusals =
        added.stream().filter(e -> e.path("error").asText().equals("permission denied")).count();
    // 10 at once, then about one a second (the loop may take a few seconds on a busy machine),
    // each a request and a response line; far from 400.
    assertThat(refusals).isBetween(20L, 40L);
    // The operator's request after the flood is recorded as always.
    assertThat(added.subList(added.size() - 2, added.size()))
        .allMatch(e -> e.path("request").path("path").asText().equals("sys/key-status"))
        .allMatch(e -> e.path("error").isMissingNode());
  }

  @Test
  void sealStatus_isNotRecorded() throws Exception {
    int before = entries().size();
    for (int i = 0; i < 3; i++) {
      assertThat(api.get("/v1/sys/seal-status").status()).isEqualTo(200);
    }
    assertThat(api.get("/v1/sys/key-status", root).status()).isEqualTo(200);
    List<JsonNode> after = entries();
    assertThat(after).noneMatch(e -> e.path("request").path("path").asText().equals("sys/seal-status"));
    // The key-status pair was written after the seal-status polls: nothing else came in between.
    assertThat(after.subList(before, after.size()))
        .extracting(e -> e.path("request").path("path").asText())
        .containsOnly("sys/key-status");
  }

  @Test
  void aJob_isRecordedAsAnEvent_withTheResolvedMinions() throws Exception {
    ApiClient.Reply published =
        api.put("/v1/brine/jobs", Map.of("tgt", "web*", "fun", "test.ping"), root);
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    String jid = published.json().path("jid").asText();
    assertThat(published.json().path("missing").toString()).isEqualTo("[\"web1\"]");

    JsonNode event =
        ofType("event").stream()
            .map(e -> e.path("event"))
            .filter(e -> e.path("kind").asText().equals("job"))
            .findFirst()
            .orElseThrow();
    assertThat(event.path("jid").asText()).isEqualTo(jid);
    assertThat(event.path("fun").asText()).isEqualTo("test.ping");
    assertThat(event.path("tgt").asText()).isEqualTo("web*");
    assertThat(event.path("minions").toString()).isEqualTo("[\"web1\"]");
    assertThat(event.path("display_name").asText()).isEqualTo("root");
    // The event comes between the job's request entry and its response entry.
    List<String> order =
        entries().stream()
            .filter(e -> e.path("request").path("path").asText().equals("brine/jobs")
                || e.path("event").path("kind").asText().equals("job"))
            .map(e -> e.path("type").asText())
            .toList();
    assertThat(order).containsExactly("request", "event", "response");
  }
}
