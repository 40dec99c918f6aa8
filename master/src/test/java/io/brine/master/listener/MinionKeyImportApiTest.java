package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /v1/brine/keys/import} on a running single master (its PKI folder): what is written,
 * what a minion whose key came in accepted gets, and the bounds and checks that refuse a request
 * before anything is written.
 */
class MinionKeyImportApiTest {
  private static final KeyPair WEB1 = newKeys();
  private static final String WEB1_PEM = Pem.writePublicKey((RSAPublicKey) WEB1.getPublic());
  private static final String OTHER_PEM =
      Pem.writePublicKey((RSAPublicKey) newKeys().getPublic());

  @TempDir static Path dir;

  private static TestMaster.Started started;
  private static MasterDaemon master;
  private static ApiClient api;
  private static String token;

  private static KeyPair newKeys() {
    try {
      return RsaKeys.generate(2048);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    started = TestMaster.start(TestMaster.shamir(dir));
    master = started.daemon();
    api = started.client();
    token = started.initAndUnseal();
  }

  @AfterAll
  static void stop() {
    if (master != null) {
      master.close();
    }
  }

  @BeforeEach
  void empty() throws Exception {
    List<String> every = new ArrayList<>();
    api.get("/v1/brine/keys", token).json().forEach(ids -> ids.forEach(id -> every.add(id.asText())));
    if (!every.isEmpty()) {
      assertThat(api.put("/v1/brine/keys/delete", Map.of("ids", every), token).status())
          .isEqualTo(200);
    }
  }

  private static Path key(String folder, String id) {
    return dir.resolve("pki/master").resolve(folder).resolve(id);
  }

  private static Map<String, Object> key(String id, String status, String pem) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("id", id);
    key.put("status", status);
    key.put("pem", pem);
    return key;
  }

  private static ApiClient.Reply send(List<Map<String, Object>> keys, boolean dryRun)
      throws Exception {
    return api.put("/v1/brine/keys/import", Map.of("keys", keys, "dry_run", dryRun), token);
  }

  @Test
  void import_writesEachState_answersCountsAndConflicts_andAnAcceptedMinionIsWelcomed()
      throws Exception {
    List<Map<String, Object>> folder =
        List.of(
            key("web1", "accepted", WEB1_PEM),
            key("web2", "pending", OTHER_PEM),
            key("web3", "rejected", OTHER_PEM),
            key("web4", "denied", OTHER_PEM));

    JsonNode dry = send(folder, true).json();
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(dry.path("imported").toString())
        .isEqualTo("{\"accepted\":1,\"pending\":1,\"rejected\":1,\"denied\":1}");
    assertThat(key("minions", "web1")).doesNotExist();

    JsonNode done = send(folder, false).json();

    assertThat(done.toString())
        .isEqualTo(
            "{\"imported\":{\"accepted\":1,\"pending\":1,\"rejected\":1,\"denied\":1},"
                + "\"unchanged\":0,\"conflicts\":[],\"keys\":["
                + "{\"id\":\"web1\",\"status\":\"accepted\",\"result\":\"imported\"},"
                + "{\"id\":\"web2\",\"status\":\"pending\",\"result\":\"imported\"},"
                + "{\"id\":\"web3\",\"status\":\"rejected\",\"result\":\"imported\"},"
                + "{\"id\":\"web4\",\"status\":\"denied\",\"result\":\"imported\"}],"
                + "\"dry_run\":false}");
    assertThat(Files.readString(key("minions", "web1"))).isEqualTo(WEB1_PEM);
    assertThat(key("minions_pre", "web2")).exists();
    assertThat(key("minions_rejected", "web3")).exists();
    assertThat(key("minions_denied", "web4")).exists();
    try (TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", WEB1)) {
      assertThat(web1.hello(MasterTrust.firstContact()))
          .as("an imported accepted key needs no acceptance")
          .isInstanceOf(Welcomed.class);
    }

    JsonNode again =
        send(List.of(key("web1", "accepted", WEB1_PEM), key("web2", "accepted", WEB1_PEM)), false)
            .json();
    assertThat(again.path("unchanged").asInt()).isEqualTo(1);
    assertThat(again.path("conflicts").toString())
        .isEqualTo(
            "[{\"id\":\"web2\",\"status\":\"accepted\",\"reason\":\"the store holds it as"
                + " pending\"}]");
    assertThat(key("minions", "web2")).doesNotExist();
  }

  @Test
  void badRequests_are400WithOneLineNamingTheKey_andWriteNothing() throws Exception {
    String huge =
        "-----BEGIN PUBLIC KEY-----\n" + "A".repeat(17 * 1024) + "\n-----END PUBLIC KEY-----\n";
    List<Map<String, Object>> tooMany = new ArrayList<>();
    for (int i = 0; i <= 512; i++) {
      tooMany.add(key("m" + i, "accepted", "x")); // refused on the count before any is read
    }
    Map<String, List<Map<String, Object>>> cases = new LinkedHashMap<>();
    cases.put(
        "key of web2: not a usable RSA public key",
        List.of(key("web1", "accepted", WEB1_PEM), key("web2", "accepted", "not a key")));
    cases.put("'../etc' is not a valid minion id", List.of(key("../etc", "accepted", WEB1_PEM)));
    cases.put(
        "key of web1: status must be accepted, pending, rejected or denied, not 'trusted'",
        List.of(key("web1", "trusted", WEB1_PEM)));
    cases.put("key of web1: the PEM is over 16384 bytes", List.of(key("web1", "accepted", huge)));
    cases.put(
        "key of web1 in accepted is given twice",
        List.of(key("web1", "accepted", WEB1_PEM), key("web1", "accepted", OTHER_PEM)));
    cases.put("at most 512 keys per import request, not 513", tooMany);
    cases.put("'keys' must be a non-empty array", List.of());

    for (Map.Entry<String, List<Map<String, Object>>> c : cases.entrySet()) {
      ApiClient.Reply reply = send(c.getValue(), false);
      assertThat(reply.status()).as(c.getKey()).isEqualTo(400);
      assertThat(reply.error()).startsWith(c.getKey()).doesNotContain("\n");
    }
    ApiClient.Reply notObjects =
        api.put("/v1/brine/keys/import", Map.of("keys", List.of("web1")), token);
    assertThat(notObjects.status()).isEqualTo(400);
    assertThat(api.get("/v1/brine/keys", token).json().toString())
        .isEqualTo(
            "{\"minions\":[],\"minions_pre\":[],\"minions_rejected\":[],\"minions_denied\":[]}");
  }

  @Test
  void import_needsSudo_onBrineKeysImport() throws Exception {
    Map<String, Object> body = Map.of("keys", List.of(key("web1", "accepted", WEB1_PEM)));
    assertThat(api.put("/v1/brine/keys/import", body).status()).isEqualTo(403);
    assertThat(api.put("/v1/brine/keys/import", body, "not-a-token").status()).isEqualTo(403);
    assertThat(key("minions", "web1")).doesNotExist();
  }
}
