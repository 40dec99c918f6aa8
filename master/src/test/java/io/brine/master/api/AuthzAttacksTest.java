package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.common.log.LogLines;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An attacker's requests against the one request path, on a real master over loopback with a
 * file audit device enabled: a non-root token must get nothing its policies do not grant, and no
 * request may go unrecorded.
 */
class AuthzAttacksTest {
  @TempDir static Path dir;

  private static TestMaster.Started master;
  private static ApiClient api;
  private static String root;
  private static int counter;

  @BeforeAll
  static void start() throws Exception {
    // An accepted minion, so that an admitted job is published (to it, "missing") and answers 200.
    Path accepted = dir.resolve("pki/master/minions");
    Files.createDirectories(accepted);
    for (String id : List.of("web1", "db1")) {
      Files.writeString(
          accepted.resolve(id),
          Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic()));
    }
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  audit:\n"
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

  // ---------------------------------------------------------------- method tricks

  @Test
  void getWithListTrue_onAPathThatOnlyReads_isNoReadForAListGrant() throws Exception {
    assertThat(
            api.put("/v1/sys/policies/acl/secret-ops",
                    Map.of("policy", "path \"brine/keys\" { capabilities = [\"list\"] }"), root)
                .status())
        .isEqualTo(204);
    String token = tokenWith("path \"sys/policy/*\" { capabilities = [\"list\"] }");
    // The grant is list only: reading the policy's text is refused ...
    assertThat(api.get("/v1/sys/policy/secret-ops", token).status()).isEqualTo(403);

    // ... and GET ?list=true is OpenBao's list operation, which sys/policy/<name> does not have.
    ApiClient.Reply listed = api.get("/v1/sys/policy/secret-ops?list=true", token);

    assertThat(listed.status()).as(listed.text()).isEqualTo(405);
    assertThat(listed.text()).doesNotContain("brine/keys");
  }

  @Test
  void getWithListTrue_whereThePathLists_stillLists() throws Exception {
    String token = tokenWith("path \"sys/policies/acl\" { capabilities = [\"list\"] }");

    ApiClient.Reply listed = api.get("/v1/sys/policies/acl?list=true", token);

    assertThat(listed.status()).as(listed.text()).isEqualTo(200);
    assertThat(listed.json().path("data").path("keys").toString()).contains("default");
  }

  // ---------------------------------------------------------------- the job ACL

  @Test
  void aKwarg_isSeenByTheParameterRules_andCannotSmuggleWhatArgMayNotSay() throws Exception {
    String token =
        tokenWith(
            "path \"brine/jobs\" { capabilities = [\"create\"]\n"
                + "  allowed_parameters = {\"fun\" = [\"test.*\"], \"arg\" = [\"hello\"]} }");
    // What the policy allows goes.
    ApiClient.Reply allowed =
        api.put("/v1/brine/jobs",
            Map.of("tgt", "web1", "fun", "test.echo", "arg", List.of("hello")), token);
    assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);

    // The same argument by name is no way around the rule for arg.
    ApiClient.Reply smuggled =
        api.put("/v1/brine/jobs",
            Map.of("tgt", "web1", "fun", "test.echo", "kwarg", Map.of("text", "rm -rf /")),
            token);

    assertThat(smuggled.status()).as(smuggled.text()).isEqualTo(403);
    assertThat(smuggled.error()).contains("kwarg");
  }

  @Test
  void aKwarg_passesARuleThatListsIt() throws Exception {
    String token =
        tokenWith(
            "path \"brine/jobs\" { capabilities = [\"create\"]\n"
                + "  allowed_parameters = {\"fun\" = [\"test.*\"], \"kwarg\" = [\"text=hi*\"]} }");

    assertThat(
            api.put("/v1/brine/jobs",
                    Map.of("tgt", "web1", "fun", "test.echo", "kwarg", Map.of("text", "hiya")),
                    token)
                .status())
        .isEqualTo(200);
    assertThat(
            api.put("/v1/brine/jobs",
                    Map.of("tgt", "web1", "fun", "test.echo", "kwarg", Map.of("text", "bye")),
                    token)
                .status())
        .isEqualTo(403);
  }

  // ---------------------------------------------------------------- token uses

  @Test
  void aMalformedBody_spendsNoUseOfTheToken() throws Exception {
    String token = created(Map.of("policies", List.of("default"), "num_uses", 2, "ttl", "10m"));

    ApiClient.Reply bad =
        api.send("PUT", "/v1/sys/capabilities-self", "{\"paths\": [", "X-Vault-Token", token);
    assertThat(bad.status()).as(bad.text()).isEqualTo(400);

    ApiClient.Reply looked = api.put("/v1/auth/token/lookup", Map.of("token", token), root);
    assertThat(looked.status()).as(looked.text()).isEqualTo(200);
    assertThat(looked.json().path("data").path("num_uses").asInt()).isEqualTo(2);
  }

  @Test
  void aOneUseTokensLastUse_thatEndsIn400_stillRevokesIt() throws Exception {
    String token = created(Map.of("policies", List.of("default"), "num_uses", 1, "ttl", "10m"));

    // A well-formed body the endpoint refuses: the use is spent, and it was the last.
    ApiClient.Reply bad = api.put("/v1/sys/capabilities-self", Map.of("paths", List.of()), token);
    assertThat(bad.status()).as(bad.text()).isEqualTo(400);

    assertThat(api.put("/v1/auth/token/lookup", Map.of("token", token), root).status())
        .isEqualTo(403);
  }

  @Test
  void aOneUseToken_sentInParallel_isHonouredOnce() throws Exception {
    String token = created(Map.of("policies", List.of("default"), "num_uses", 1, "ttl", "10m"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      // Fewer than TokenFailures.BURST: the refused ones count as wrong tokens from this address.
      for (int i = 0; i < 6; i++) {
        calls.add(() -> api.get("/v1/auth/token/lookup-self", token).status());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertThat(statuses.stream().filter(s -> s == 200).count()).as("%s", statuses).isEqualTo(1);
      assertThat(statuses.stream().filter(s -> s != 200)).allMatch(s -> s == 403);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- audit

  @Test
  void aRequestWithoutAToken_isRecordedWithItsRefusal() throws Exception {
    ApiClient.Reply refused = api.get("/v1/sys/audit");
    assertThat(refused.status()).isEqualTo(403);

    List<JsonNode> recorded = entriesFor("sys/audit", e -> true);
    assertThat(recorded).extracting(e -> e.path("type").asText())
        .containsExactly("request", "response");
    assertThat(recorded).allMatch(e -> e.path("error").asText().equals("permission denied"));
  }

  @Test
  void anEndpointsOwnError_isRecordedInTheResponseEntry() throws Exception {
    ApiClient.Reply refused =
        api.put("/v1/sys/policies/acl/root", Map.of("policy", "path \"a\" { capabilities = [\"read\"] }"),
            root);
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);

    List<JsonNode> recorded = entriesFor("sys/policies/acl/root", e -> true);
    assertThat(recorded).extracting(e -> e.path("type").asText())
        .containsExactly("request", "response");
    assertThat(recorded.get(1).path("error").asText()).isEqualTo(refused.error());
  }

  // ---------------------------------------------------------------- headers and leaks

  @Test
  void aTokenInTheQuery_isNoToken_andAppearsInNoLogLine() throws Exception {
    try (LogLines lines = LogLines.of(OperatorApi.class)) {
      ApiClient.Reply reply = api.get("/v1/sys/key-status?token=" + root);

      assertThat(reply.status()).isEqualTo(403);
      assertThat(reply.text()).doesNotContain(root);
      assertThat(lines.containing(root.substring(2, 12))).isEmpty();
    }
  }

  @Test
  void xVaultToken_winsOverAuthorization_asInOpenBao() throws Exception {
    String weak = tokenWith("path \"sys/key-status\" { capabilities = [\"deny\"] }");

    ApiClient.Reply reply =
        api.send("GET", "/v1/sys/key-status", null,
            "X-Vault-Token", weak, "Authorization", "Bearer " + root);

    assertThat(reply.status()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- attacks that hold

  private static final String CREATE =
      "path \"auth/token/create\" { capabilities = [\"update\"] }";
  private static final String WEB_RUNNER =
      "path \"brine/jobs\" { capabilities = [\"create\"]\n"
          + "  allowed_parameters = {\"fun\" = [\"test.*\"]}\n"
          + "  allowed_minions = [\"web*\"] }";

  /** Each row: a policy ("" for default only, CREATE, WEB_RUNNER or HCL), a request, its status. */
  @ParameterizedTest(name = "{1} {2} {3} -> {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // path tricks: no other spelling reaches a route, or it is checked as what it reaches
        "|PUT|/v1/sys//seal|{}|404",
        "|PUT|/v1/sys/seal/|{}|404",
        "|PUT|/v1/SYS/SEAL|{}|404",
        "|PUT|/v1/sys%2Fseal|{}|403",
        "|PUT|/v1/sys/policy/..%2F..%2Fsys%2Fseal|{\"policy\":\"x\"}|403",
        "path \"sys/policy/*\" { capabilities = [\"read\"] }|GET|/v1/sys/policy/..%2Fdefault|-|400",
        "path \"sys/policy/*\" { capabilities = [\"read\"] }|GET|/v1/sys/policy/%2e%2e|-|400",
        "|GET|/v1/sys/policies/acl/|-|404",
        // method tricks
        "|HEAD|/v1/sys/key-status|-|405",
        "|PATCH|/v1/sys/policies/acl/default|{}|405",
        "path \"sys/policies/acl/*\" { capabilities = [\"update\"] }|PUT|/v1/sys/policies/acl/x|"
            + "{\"policy\":\"path \\\"a\\\" { capabilities = [\\\"read\\\"] }\"}|403",
        "path \"auth/token/accessors\" { capabilities = [\"list\"] }|LIST|/v1/auth/token/accessors|-|403",
        // token creation beyond the caller's rights
        "CREATE|PUT|/v1/auth/token/create|{\"no_parent\":true,\"policies\":[\"default\"]}|403",
        "CREATE|PUT|/v1/auth/token/create|{\"period\":\"1h\",\"policies\":[\"default\"]}|403",
        "CREATE|PUT|/v1/auth/token/create|{\"policies\":[\"root\"]}|403",
        "CREATE|PUT|/v1/auth/token/create|{\"policies\":\" Root \"}|403",
        "CREATE|PUT|/v1/auth/token/create|{\"policies\":[\"attack-admin\"]}|403",
        // other tokens without the capability
        "|PUT|/v1/auth/token/lookup|{\"token\":\"ROOT\"}|403",
        "|PUT|/v1/sys/capabilities|{\"token\":\"ROOT\",\"paths\":[\"sys/seal\"]}|403",
        "|PUT|/v1/auth/token/renew|{\"token\":\"ROOT\"}|403",
        // the job ACL: fun as written, minions as resolved
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1\",\"fun\":\"test.ping\"}|200",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1\",\"fun\":\"TEST.ping\"}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1\",\"fun\":\" test.ping\"}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1\",\"fun\":\"cmd.run\",\"FUN\":\"test.ping\"}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1\",\"fun\":\"test.ping\",\"arg\":[\"x\"]}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"*\",\"fun\":\"test.ping\"}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1,web1\",\"tgt_type\":\"list\",\"fun\":\"test.ping\"}|200",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"web1,db1\",\"tgt_type\":\"list\",\"fun\":\"test.ping\"}|403",
        "WEB_RUNNER|PUT|/v1/brine/jobs|{\"tgt\":\"[wd].*\",\"tgt_type\":\"pcre\",\"fun\":\"test.ping\"}|403",
        "WEB_RUNNER|GET|/v1/brine/jobs|-|403",
      })
  void anAttackThatHolds(String policy, String method, String path, String body, int status)
      throws Exception {
    String text =
        policy == null ? "" : policy.equals("CREATE") ? CREATE
            : policy.equals("WEB_RUNNER") ? WEB_RUNNER : policy;
    String token =
        text.isEmpty()
            ? created(Map.of("policies", List.of("default"), "ttl", "10m"))
            : tokenWith(text);
    String sent = body == null ? null : body.replace("ROOT", root);

    ApiClient.Reply reply = api.send(method, path, sent, "X-Vault-Token", token);

    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.text()).doesNotContain(root);
  }

  @Test
  void noParentAndPeriod_needSudoOnCreate_andWorkWithIt() throws Exception {
    String sudo =
        tokenWith("path \"auth/token/create\" { capabilities = [\"update\", \"sudo\"] }");

    ApiClient.Reply orphan =
        api.put("/v1/auth/token/create",
            Map.of("no_parent", true, "policies", List.of("default")), sudo);
    ApiClient.Reply periodic =
        api.put("/v1/auth/token/create",
            Map.of("period", "1h", "policies", List.of("default")), sudo);

    assertThat(orphan.status()).as(orphan.text()).isEqualTo(200);
    assertThat(orphan.json().path("auth").path("orphan").asBoolean()).isTrue();
    assertThat(periodic.status()).as(periodic.text()).isEqualTo(200);
    // The period, but no longer than the 10-minute parent lives.
    assertThat(periodic.json().path("auth").path("lease_duration").asLong()).isBetween(1L, 600L);
  }

  @Test
  void revokeAccessor_ofARootToken_byATokenWithUpdateThere_isAllowed_asInOpenBao()
      throws Exception {
    JsonNode victim =
        api.put("/v1/auth/token/create", Map.of("policies", List.of("root")), root)
            .json().path("auth");
    String token =
        tokenWith("path \"auth/token/revoke-accessor\" { capabilities = [\"update\"] }");

    ApiClient.Reply revoked =
        api.put("/v1/auth/token/revoke-accessor",
            Map.of("accessor", victim.path("accessor").asText()), token);

    assertThat(revoked.status()).as(revoked.text()).isEqualTo(204);
    assertThat(api.get("/v1/auth/token/lookup-self", victim.path("client_token").asText())
            .status())
        .isEqualTo(403);
  }

  @Test
  void aChild_neverOutlivesItsParent_andANonRenewableTokenIsNotRenewed() throws Exception {
    String parent = tokenWith(CREATE);

    JsonNode child =
        api.put("/v1/auth/token/create", Map.of("policies", List.of("default"), "ttl", "48h"),
                parent)
            .json().path("auth");

    assertThat(child.path("lease_duration").asLong()).isBetween(1L, 600L);
    String fixed =
        created(Map.of("policies", List.of("default"), "ttl", "10m", "renewable", false));
    ApiClient.Reply renewed = api.put("/v1/auth/token/renew-self", Map.of(), fixed);
    assertThat(renewed.status()).as(renewed.text()).isEqualTo(400);
  }

  // ---------------------------------------------------------------- helpers

  private static List<JsonNode> entriesFor(
      String path, java.util.function.Predicate<JsonNode> which) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit/audit.log"))) {
      JsonNode e = ApiClient.JSON.readTree(line);
      if (e.path("request").path("path").asText().equals(path) && which.test(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String created(Map<String, Object> request) throws Exception {
    ApiClient.Reply created = api.put("/v1/auth/token/create", request, root);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.json().path("auth").path("client_token").asText();
  }

  /** A fresh token holding a fresh policy with {@code text} (and the default policy). */
  private static String tokenWith(String text) throws Exception {
    String name = "attack-" + (++counter);
    ApiClient.Reply put = api.put("/v1/sys/policies/acl/" + name, Map.of("policy", text), root);
    assertThat(put.status()).as(put.text()).isEqualTo(204);
    return created(Map.of("policies", List.of(name), "ttl", "10m"));
  }
}
