package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's least-privilege case against real processes: a master with minions web1 and db1, and
 * a token whose only policy lets it run {@code test.*} on {@code web*}. It runs test.ping on web1;
 * it is refused cmd.run, a target that reaches db1 (by glob and by list), sealing, accepting keys
 * and reading another policy; and nothing it was refused reaches a minion or the job cache.
 */
class LeastPrivilegeEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String RUNNER_POLICY =
      "# a job runner: test.* on the web servers, nothing else\n"
          + "path \"brine/jobs\" {\n"
          + "  capabilities = [\"create\", \"read\", \"list\"]\n"
          + "  allowed_parameters = {\n"
          + "    \"fun\" = [\"test.*\"]\n"
          + "    \"arg\" = []\n"
          + "  }\n"
          + "  allowed_minions = [\"web*\"]\n"
          + "}\n";

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String root;
  private static String runner;
  private static final Map<String, MinionProcess> minions = new TreeMap<>();

  @BeforeAll
  static void masterMinionsAndARunnerToken() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    root = master.initAndUnseal();
    for (String id : List.of("db1", "web1")) {
      minions.put(id, MinionProcess.start(dir.resolve("minion-" + id), id, master.minionPort()));
    }
    for (MinionProcess m : minions.values()) {
      Await.until(() -> m.count("authenticated to master") >= 1, master, m, "authenticated");
    }
    ObjectNode policy = JSON.createObjectNode().put("policy", RUNNER_POLICY);
    assertThat(call("PUT", "/v1/sys/policies/acl/web-tests", root, policy).statusCode())
        .isEqualTo(204);
    ObjectNode ops = JSON.createObjectNode().put("policy", "path \"sys/*\" { capabilities = [\"read\"] }");
    assertThat(call("PUT", "/v1/sys/policies/acl/ops", root, ops).statusCode()).isEqualTo(204);
    ObjectNode create = JSON.createObjectNode();
    create.putArray("policies").add("web-tests");
    create.put("ttl", "1h").put("display_name", "ci-runner");
    HttpResponse<String> created = call("POST", "/v1/auth/token/create", root, create);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    runner = JSON.readTree(created.body()).path("auth").path("client_token").asText();
    assertThat(runner).startsWith("s.");
  }

  @AfterAll
  static void stop() {
    minions.values().forEach(MinionProcess::close);
    if (master != null) {
      master.close();
    }
  }

  private static Cli as(String token) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  @Test
  void theRunner_runsTestPingOnWeb1() throws Exception {
    Result r = as(runner).run("run", "web1", "test.ping", "--out", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(JSON.readTree(r.out()).path("web1").asBoolean()).isTrue();
  }

  @Test
  void cmdRun_isRefused_namingTheFunctionAndThePolicy_andRunsNowhere() {
    Result r = as(runner).run("run", "web1", "cmd.run", "touch " + dir.resolve("ran"));

    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err()).contains("403", "cmd.run", "web-tests");
    assertThat(dir.resolve("ran")).doesNotExist();
    assertThat(minions.get("web1").count("cmd.run")).isZero();
  }

  @Test
  void aTargetReachingDb1_isRefusedByGlobAndByList_namingDb1() {
    Result glob = as(runner).run("run", "*", "test.ping");
    Result list = as(runner).run("run", "-L", "web1,db1", "test.ping");

    for (Result r : List.of(glob, list)) {
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
      assertThat(r.err()).contains("403", "db1");
    }
    assertThat(minions.get("db1").count("test.ping")).isZero();
  }

  @Test
  void theRunner_cannotSeal_acceptKeys_norReadAnotherPolicy() throws Exception {
    Result seal = as(runner).run("operator", "seal");
    Result accept = as(runner).run("key", "-a", "web1", "-y");
    HttpResponse<String> readPolicy = call("GET", "/v1/sys/policies/acl/ops", runner, null);
    HttpResponse<String> list = call("GET", "/v1/sys/policy", runner, null);

    assertThat(seal.exitCode()).as(seal.toString()).isNotZero();
    assertThat(seal.err()).contains("403");
    assertThat(accept.exitCode()).as(accept.toString()).isNotZero();
    assertThat(accept.err()).contains("403");
    assertThat(readPolicy.statusCode()).as(readPolicy.body()).isEqualTo(403);
    assertThat(list.statusCode()).as(list.body()).isEqualTo(403);
    JsonNode status = JSON.readTree(call("GET", "/v1/sys/seal-status", null, null).body());
    assertThat(status.path("sealed").asBoolean()).isFalse();
  }

  private static HttpResponse<String> call(String method, String path, String token, JsonNode body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(master.address() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("X-Vault-Token", token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
