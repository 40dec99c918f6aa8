package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request path's decisions on a real master over loopback: for each row, a token holding one
 * policy sends one request, and the answer is the one OpenBao's rules (and brine's names for its
 * own paths) give. The precedence rules themselves are tabled in keyvault's AclTest; this table
 * is about which ACL path and capability each route asks for, sudo where OpenBao needs it, and
 * that an allowed request reaches its endpoint (its answer is then the endpoint's, e.g. 400 for a
 * job whose target matches no minion).
 */
class AccessTableTest {
  @TempDir static Path dir;

  private static TestMaster.Started master;
  private static ApiClient api;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    master = TestMaster.start(TestMaster.write(dir, ""));
    api = master.client();
    root = master.initAndUnseal();
  }

  @AfterAll
  static void stop() {
    if (master != null) {
      master.daemon().close();
    }
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        // brine's own paths (the names)
        row("path \"brine/keys\" { capabilities = [\"list\"] }", "GET", "/v1/brine/keys", null, 200),
        row("path \"brine/keys\" { capabilities = [\"read\"] }", "GET", "/v1/brine/keys", null, 403),
        row("path \"brine/keys\" { capabilities = [\"read\"] }", "PUT", "/v1/brine/keys/public",
            "{\"ids\":[\"web1\"]}", 200),
        row("path \"brine/keys\" { capabilities = [\"list\"] }", "PUT", "/v1/brine/keys/public",
            "{\"ids\":[\"web1\"]}", 403),
        row("path \"brine/keys/accept\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/accept", "{\"ids\":[\"web1\"]}", 200),
        row("path \"brine/keys/accept\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/reject", "{\"ids\":[\"web1\"]}", 403),
        row("path \"brine/keys/+\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/delete", "{\"ids\":[\"web1\"]}", 200),
        row("path \"brine/keys/*\" { capabilities = [\"update\"] }\n"
                + "path \"brine/keys/rotate\" { capabilities = [\"deny\"] }", "PUT",
            "/v1/brine/keys/rotate", "{}", 403),
        row("path \"brine/keys/rotate\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/rotate", "{}", 200),
        // an import writes keys of the caller's choosing: sudo, beyond what -a/-r/-d need; the
        // allowed row sends no keys (400 from the endpoint), so the shared master stays empty
        row("path \"brine/keys/*\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/import", "{\"keys\":[]}", 403),
        row("path \"brine/keys/import\" { capabilities = [\"update\"] }", "PUT",
            "/v1/brine/keys/import", "{\"keys\":[]}", 403),
        row("path \"brine/keys/import\" { capabilities = [\"update\", \"sudo\"] }", "PUT",
            "/v1/brine/keys/import", "{\"keys\":[]}", 400),
        row("path \"brine/keys/import\" { capabilities = [\"update\", \"sudo\"] }", "PUT",
            "/v1/brine/keys/accept", "{\"ids\":[\"web1\"]}", 403),
        row("path \"brine/jobs\" { capabilities = [\"list\"] }", "GET", "/v1/brine/jobs", null, 200),
        row("path \"brine/jobs\" { capabilities = [\"list\"] }", "GET",
            "/v1/brine/jobs?jid=20261202000000000000", null, 403),
        row("path \"brine/jobs\" { capabilities = [\"read\"] }", "GET",
            "/v1/brine/jobs?jid=20261202000000000000", null, 404),
        row("path \"brine/jobs\" { capabilities = [\"read\", \"list\"] }", "PUT", "/v1/brine/jobs",
            "{\"tgt\":\"*\",\"fun\":\"test.ping\"}", 403),
        // allowed: reaches the publisher, which finds no minion (400)
        row("path \"brine/jobs\" { capabilities = [\"create\"] }", "PUT", "/v1/brine/jobs",
            "{\"tgt\":\"*\",\"fun\":\"test.ping\"}", 400),
        row(JOBS_TEST_ONLY, "PUT", "/v1/brine/jobs", "{\"tgt\":\"*\",\"fun\":\"test.ping\"}", 400),
        row(JOBS_TEST_ONLY, "PUT", "/v1/brine/jobs", "{\"tgt\":\"*\",\"fun\":\"cmd.run\","
            + "\"arg\":[\"id\"]}", 403),
        row(JOBS_TEST_ONLY, "PUT", "/v1/brine/jobs", "{\"tgt\":\"*\",\"fun\":\"test.echo\","
            + "\"arg\":[\"hi\"]}", 403), // arg not in allowed_parameters
        row("path \"brine/jobs\" {\n capabilities = [\"create\"]\n"
                + " denied_parameters = { \"fun\" = [\"cmd.*\"] }\n}", "PUT", "/v1/brine/jobs",
            "{\"tgt\":\"*\",\"fun\":\"cmd.run\"}", 403),
        // brine cp's staging: what publishing needs (create on brine/jobs), no parameter rules
        row("path \"brine/jobs\" { capabilities = [\"read\", \"list\"] }", "POST", "/v1/brine/cp",
            STAGE_ONE_BYTE, 403),
        row("path \"brine/jobs\" { capabilities = [\"create\"] }", "POST", "/v1/brine/cp",
            STAGE_ONE_BYTE, 200),
        row(JOBS_TEST_ONLY, "POST", "/v1/brine/cp", STAGE_ONE_BYTE, 200),
        row("path \"brine/jobs\" { capabilities = [\"create\"] }", "PUT",
            "/v1/brine/cp/" + "0".repeat(32), "{\"offset\":0,\"data\":\"AA==\"}", 400),
        // sudo where OpenBao needs it
        row("path \"sys/seal\" { capabilities = [\"update\"] }", "PUT", "/v1/sys/seal", "{}", 403),
        row("path \"sys/rotate\" { capabilities = [\"update\"] }", "PUT", "/v1/sys/rotate", "{}", 403),
        row("path \"sys/rotate\" { capabilities = [\"update\", \"sudo\"] }", "PUT", "/v1/sys/rotate",
            "{}", 204),
        row("path \"sys/step-down\" { capabilities = [\"update\"] }", "PUT", "/v1/sys/step-down",
            null, 403),
        // a master alone on its storage has nothing to step down from: 204, as OpenBao's
        row("path \"sys/step-down\" { capabilities = [\"update\", \"sudo\"] }", "PUT",
            "/v1/sys/step-down", null, 204),
        row("path \"sys/rekey/init\" { capabilities = [\"read\"] }", "GET", "/v1/sys/rekey/init",
            null, 403),
        row("path \"sys/generate-root-token/attempt\" { capabilities = [\"read\", \"sudo\"] }",
            "GET", "/v1/sys/generate-root-token/attempt", null, 200),
        row("path \"sys/policies/acl/*\" { capabilities = [\"update\"] }", "PUT",
            "/v1/sys/policies/acl/other", "{\"policy\":\"path \\\"a\\\" { capabilities = [\\\"read\\\"] }\"}",
            403),
        row("path \"sys/policies/acl/*\" { capabilities = [\"read\"] }", "GET",
            "/v1/sys/policies/acl/default", null, 200),
        row("path \"sys/audit\" { capabilities = [\"read\"] }", "GET", "/v1/sys/audit", null, 403),
        // the master's own key (issue 16): read for the status, sudo for a rotation; the allowed
        // rotation row sends a grace the endpoint refuses (400), so the shared master stays as is
        row("path \"sys/master-key\" { capabilities = [\"read\"] }", "GET", "/v1/sys/master-key",
            null, 200),
        row("path \"sys/master-key\" { capabilities = [\"list\"] }", "GET", "/v1/sys/master-key",
            null, 403),
        row("path \"sys/master-key/rotate\" { capabilities = [\"update\"] }", "PUT",
            "/v1/sys/master-key/rotate", "{\"grace\":\"soon\"}", 403),
        row("path \"sys/master-key/rotate\" { capabilities = [\"update\", \"sudo\"] }", "PUT",
            "/v1/sys/master-key/rotate", "{\"grace\":\"soon\"}", 400),
        row("path \"auth/token/accessors\" { capabilities = [\"list\"] }", "GET",
            "/v1/auth/token/accessors?list=true", null, 403),
        row("path \"auth/token/accessors\" { capabilities = [\"list\", \"sudo\"] }", "GET",
            "/v1/auth/token/accessors?list=true", null, 200),
        // plain ACL paths, deny and the default policy
        row("path \"sys/*\" { capabilities = [\"read\"] }", "GET", "/v1/sys/key-status", null, 200),
        row("path \"sys/*\" { capabilities = [\"read\"] }\n"
                + "path \"sys/key-status\" { capabilities = [\"deny\"] }", "GET",
            "/v1/sys/key-status", null, 403),
        row("path \"sys/+-status\" { capabilities = [\"read\"] }", "GET", "/v1/sys/key-status",
            null, 403), // '+' inside a segment is a plain character
        row("", "GET", "/v1/auth/token/lookup-self", null, 200),
        row("", "PUT", "/v1/sys/capabilities-self", "{\"paths\":[\"sys/seal\"]}", 200),
        row("", "GET", "/v1/sys/policy", null, 403));
  }

  private static final String STAGE_ONE_BYTE =
      "{\"size\":1,\"sha256\":\"" + "ab".repeat(32) + "\",\"ttl\":60}";

  private static final String JOBS_TEST_ONLY =
      "path \"brine/jobs\" {\n"
          + "  capabilities = [\"create\"]\n"
          + "  allowed_parameters = { \"fun\" = [\"test.*\"] }\n"
          + "}\n";

  private static Arguments row(String policy, String method, String path, String body, int status) {
    return Arguments.of(policy, method, path, body, status);
  }

  private static int counter;

  @ParameterizedTest(name = "{1} {2} with [{0}] -> {4}")
  @MethodSource("rows")
  void aTokenWithOnePolicy_getsTheAnswerTheRulesGive(
      String policy, String method, String path, String body, int status) throws Exception {
    String token = tokenWith(policy);

    ApiClient.Reply reply =
        body == null
            ? api.send(method, path, null, "X-Vault-Token", token)
            : api.send(method, path, body, "X-Vault-Token", token);

    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    if (status == 403) {
      assertThat(reply.error()).startsWith("permission denied");
    }
  }

  /** A fresh token holding a fresh policy with {@code text} (and the default policy). */
  private static String tokenWith(String text) throws Exception {
    List<String> policies;
    if (text.isEmpty()) {
      policies = List.of("default"); // none given would inherit the parent's: root, as OpenBao

    } else {
      String name = "row-" + (++counter);
      ApiClient.Reply put =
          api.put("/v1/sys/policies/acl/" + name, Map.of("policy", text), root);
      assertThat(put.status()).as(put.text()).isEqualTo(204);
      policies = List.of(name);
    }
    ApiClient.Reply created =
        api.put("/v1/auth/token/create", Map.of("policies", policies, "ttl", "10m"), root);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    return created.json().path("auth").path("client_token").asText();
  }
}
