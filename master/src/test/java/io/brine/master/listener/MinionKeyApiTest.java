package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/brine/keys} and {@code keys/accept|reject|delete} on a running master daemon. */
class MinionKeyApiTest {
  private static final KeyPair KEYS = newKeys();

  private static KeyPair newKeys() {
    try {
      return RsaKeys.generate(2048);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @TempDir Path dir;

  private Path key(String status, String id) {
    return dir.resolve("pki/master").resolve(status).resolve(id);
  }

  @Test
  void everyPath_needsAToken_andAnswers503WhileSealed() throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon()) {
      ApiClient api = started.client();
      Map<String, Object> body = Map.of("ids", List.of("web1"));
      assertThat(api.get("/v1/brine/keys").status()).isEqualTo(503);
      assertThat(api.put("/v1/brine/keys/accept", body).error()).isEqualTo("Vault is sealed");

      initAndUnseal(api);
      assertThat(master.vault().sealStatus().sealed()).isFalse();
      assertThat(api.get("/v1/brine/keys").status()).isEqualTo(403);
      for (String verb : List.of("accept", "reject", "delete")) {
        assertThat(api.put("/v1/brine/keys/" + verb, body).status()).as(verb).isEqualTo(403);
        assertThat(api.put("/v1/brine/keys/" + verb, body, "not-a-token").status())
            .as(verb)
            .isEqualTo(403);
      }
    }
  }

  @Test
  void badIds_are400_withOneLine_andChangeNothing() throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion minion = TestMinion.connect(master.minionPort(), "web1", KEYS)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      minion.hello(MasterTrust.firstContact());

      ApiClient.Reply slash =
          api.put("/v1/brine/keys/accept", Map.of("ids", List.of("web1", "../etc")), token);
      ApiClient.Reply empty = api.put("/v1/brine/keys/delete", Map.of("ids", List.of()), token);
      ApiClient.Reply notStrings =
          api.put("/v1/brine/keys/reject", Map.of("ids", List.of(1)), token);

      assertThat(slash.status()).isEqualTo(400);
      assertThat(slash.error()).startsWith("minion id ").doesNotContain("\n");
      assertThat(empty.status()).isEqualTo(400);
      assertThat(notStrings.status()).isEqualTo(400);
      assertThat(key("minions_pre", "web1")).exists();
      assertThat(key("minions", "web1")).doesNotExist();
    }
  }

  @Test
  void list_accept_reject_delete_changeTheFolder_andAnswerWhatChanged() throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", KEYS);
        TestMinion web2 = TestMinion.connect(master.minionPort(), "web2", KEYS)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      web1.hello(MasterTrust.firstContact());
      web2.hello(MasterTrust.firstContact());

      JsonNode listed = api.get("/v1/brine/keys", token).json();
      assertThat(listed.toString())
          .isEqualTo(
              "{\"minions\":[],\"minions_pre\":[\"web1\",\"web2\"],"
                  + "\"minions_rejected\":[],\"minions_denied\":[]}");

      JsonNode accepted =
          api.put("/v1/brine/keys/accept", Map.of("ids", List.of("web1")), token).json();
      assertThat(accepted.toString())
          .isEqualTo(
              "{\"changed\":[{\"id\":\"web1\",\"from\":\"minions_pre\",\"to\":\"minions\"}],"
                  + "\"refused\":[],\"rotated\":false}");
      assertThat(key("minions", "web1")).exists();

      JsonNode rejected =
          api.put("/v1/brine/keys/reject", Map.of("ids", List.of("web1", "web2")), token).json();
      assertThat(rejected.get("changed")).hasSize(1);
      assertThat(rejected.get("changed").get(0).get("id").asText()).isEqualTo("web2");
      assertThat(rejected.get("rotated").asBoolean()).isFalse();
      assertThat(key("minions_rejected", "web2")).exists();
      assertThat(key("minions", "web1")).as("accepted needs include_accepted").exists();

      int before = master.publishKeys().current().epoch();
      JsonNode rejectedAccepted =
          api.put(
                  "/v1/brine/keys/reject",
                  Map.of("ids", List.of("web1"), "include_accepted", true),
                  token)
              .json();
      assertThat(rejectedAccepted.get("rotated").asBoolean()).isTrue();
      assertThat(key("minions_rejected", "web1")).exists();
      assertThat(key("minions", "web1")).doesNotExist();
      awaitEpochAbove(master, before);

      JsonNode deleted =
          api.put("/v1/brine/keys/delete", Map.of("ids", List.of("web1", "web2")), token).json();
      assertThat(deleted.get("changed")).hasSize(2);
      assertThat(deleted.get("changed").get(0).get("to").isNull()).isTrue();
      assertThat(deleted.get("rotated").asBoolean()).isFalse();
      assertThat(key("minions_rejected", "web1")).doesNotExist();
      assertThat(key("minions_rejected", "web2")).doesNotExist();

      ApiClient.Reply viaPost =
          api.send(
              "POST",
              "/v1/brine/keys/accept",
              "{\"ids\":[\"nobody\"]}",
              "X-Vault-Token",
              token);
      assertThat(viaPost.status()).isEqualTo(200);
      assertThat(viaPost.json().get("changed")).isEmpty();
    }
  }

  @Test
  void deletingAConnectedAcceptedMinion_closesItsConnection_andRotatesWithinASecond()
      throws Exception {
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion web1 = TestMinion.connect(master.minionPort(), "web1", KEYS)) {
      ApiClient api = started.client();
      String token = initAndUnseal(api);
      web1.hello(MasterTrust.firstContact());
      api.put("/v1/brine/keys/accept", Map.of("ids", List.of("web1")), token);
      assertThat(web1.hello(MasterTrust.firstContact())).isInstanceOf(Welcomed.class);
      TestMinion.awaitConnected(master.minionListener().connected(), "web1");
      int before = master.publishKeys().current().epoch();

      JsonNode deleted =
          api.put("/v1/brine/keys/delete", Map.of("ids", List.of("web1")), token).json();

      assertThat(deleted.get("rotated").asBoolean()).isTrue();
      assertThat(web1.closedByMaster(Duration.ofSeconds(5))).isTrue();
      assertThat(key("minions", "web1")).doesNotExist();
      awaitEpochAbove(master, before);
    }
  }

  private static void awaitEpochAbove(MasterDaemon master, int before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (master.publishKeys().current().epoch() <= before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(master.publishKeys().current().epoch()).as("rotated").isGreaterThan(before);
  }

  /** @return the root token */
  private static String initAndUnseal(ApiClient api) throws Exception {
    JsonNode init =
        api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    JsonNode done = api.put("/v1/sys/unseal", Map.of("key", init.get("keys").get(0).asText())).json();
    assertThat(done.get("sealed").asBoolean()).as(done.toString()).isFalse();
    return init.get("root_token").asText();
  }
}
