package io.brine.master.api;

import static io.brine.master.testing.ApiClient.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.MasterDaemon;
import io.brine.master.config.MasterConfig;
import io.brine.master.testing.ApiClient.Reply;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.vault.TokenOtp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator API of a Shamir-sealed master, over real HTTP on loopback. */
class ShamirOperatorApiTest {
  private static final Pattern START_LINE =
      Pattern.compile(
          "brine master (\\S+): operator API on http://127\\.0\\.0\\.1:(\\d+), vault sealed"
              + " \\(shamir\\); minions on 127\\.0\\.0\\.1:(\\d+); crypto AWS-LC \\(Amazon Corretto"
              + " Crypto Provider 2\\.5\\.\\d+\\)\n");

  @TempDir Path dir;

  private TestMaster.Started started;
  private MasterDaemon master;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    started = TestMaster.start(TestMaster.shamir(dir));
    master = started.daemon();
    api = started.client();
  }

  @AfterEach
  void stop() {
    master.close();
  }

  /**
   * Bad escapes over real sockets, more of them than the API has vault threads: each is answered
   * 400 and the API keeps serving (once, each such request killed a thread without an answer).
   */
  @Test
  void malformedUris_areAnswered400_andTheApiKeepsServing() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", master.apiPort())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                ("GET /v1/sys/health?x=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String reply =
            new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(reply).startsWith("HTTP/1.1 400").contains("malformed request URI");
      }
    }
    assertThat(api.get("/v1/sys/seal-status").status()).isEqualTo(200);
  }

  private record Init(List<String> keys, List<String> keysBase64, String token) {}

  private Init init(int n, int t) throws Exception {
    Reply r = api.put("/v1/sys/init", Map.of("secret_shares", n, "secret_threshold", t));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    return new Init(
        strings(j.get("keys")), strings(j.get("keys_base64")), j.get("root_token").asText());
  }

  private Init initAndUnseal() throws Exception {
    Init init = init(5, 3);
    for (String k : init.keys().subList(0, 3)) {
      assertThat(api.put("/v1/sys/unseal", key(k)).status()).isEqualTo(200);
    }
    return init;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void startLine_namesVersionUrlAndState() {
    Matcher m = START_LINE.matcher(started.stdout());
    assertThat(m.matches()).as(started.stdout()).isTrue();
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(master.apiPort());
    assertThat(m.group(1)).isEqualTo(master.build().version());
    assertThat(Integer.parseInt(m.group(3))).isEqualTo(master.minionPort());
  }

  @Test
  void start_onABusyPort_failsWithOneLine() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    Path file = other.resolve("master.yaml");
    Files.writeString(
        file,
        // ret_port 0: only the API's port is busy, whatever holds Salt's 4506 on this machine.
        "pki_dir: pki\ninterface: 127.0.0.1\nret_port: 0\nvault:\n  storage_dir: vault\n"
            + "  api_addr: 127.0.0.1:"
            + master.apiPort()
            + "\n");

    assertThatThrownBy(() -> TestMaster.start(MasterConfig.load(file)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot listen on 127.0.0.1:" + master.apiPort() + ": ");
  }

  @Test
  void sealStatus_beforeInit_isUninitializedAndSealed() throws Exception {
    Reply r = api.get("/v1/sys/seal-status");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    JsonNode s = r.json();
    assertThat(s.get("type").asText()).isEqualTo("shamir");
    assertThat(s.get("initialized").asBoolean()).isFalse();
    assertThat(s.get("sealed").asBoolean()).isTrue();
    assertThat(s.get("t").asInt()).isZero();
    assertThat(s.get("n").asInt()).isZero();
    assertThat(s.get("progress").asInt()).isZero();
    assertThat(s.get("nonce").asText()).isEmpty();
    assertThat(s.get("version").asText()).isEqualTo(master.build().version());
    assertThat(s.get("build_date").asText()).isEqualTo(s.get("commit_date").asText());
    assertThat(s.get("migration").asBoolean()).isFalse();
    assertThat(s.get("recovery_seal").asBoolean()).isFalse();
    assertThat(s.has("recovery_seal_type")).isFalse();
    assertThat(s.get("storage_type").asText()).isEqualTo("file");
    assertThat(api.get("/v1/sys/init").json().get("initialized").asBoolean()).isFalse();
  }

  @Test
  void init_5of3_givesKeys_andStaysSealed() throws Exception {
    Init init = init(5, 3);

    assertThat(init.keys()).hasSize(5).allSatisfy(k -> assertThat(k).matches("[0-9a-f]{66}"));
    assertThat(init.keysBase64()).hasSize(5);
    assertThat(init.token()).matches("s\\.[0-9A-Za-z]{32}");
    JsonNode s = api.get("/v1/sys/seal-status").json();
    assertThat(s.get("initialized").asBoolean()).isTrue();
    assertThat(s.get("sealed").asBoolean()).isTrue();
    assertThat(s.get("t").asInt()).isEqualTo(3);
    assertThat(s.get("n").asInt()).isEqualTo(5);
    assertThat(api.get("/v1/sys/init").json().get("initialized").asBoolean()).isTrue();
  }

  @Test
  void init_twice_is400() throws Exception {
    init(1, 1);

    Reply again = api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1));
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.error()).isEqualTo("Vault is already initialized");
  }

  @Test
  void init_withPgpKeys_orBadParameters_is400() throws Exception {
    Reply pgp =
        api.put(
            "/v1/sys/init",
            Map.of("secret_shares", 1, "secret_threshold", 1, "pgp_keys", List.of("abc")));
    assertThat(pgp.status()).isEqualTo(400);
    assertThat(pgp.error()).isEqualTo("PGP-encrypted shares are not supported");

    Reply bad = api.put("/v1/sys/init", Map.of("secret_shares", "five", "secret_threshold", 3));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("'secret_shares' must be a whole number");

    Reply recovery =
        api.put(
            "/v1/sys/init",
            Map.of("secret_shares", 1, "secret_threshold", 1, "recovery_shares", 1));
    assertThat(recovery.status()).isEqualTo(400);
    assertThat(api.get("/v1/sys/init").json().get("initialized").asBoolean()).isFalse();
  }

  @Test
  void unseal_byParts_showsProgressAndOneNonce_thenUnseals() throws Exception {
    Init init = init(5, 3);

    JsonNode first = api.put("/v1/sys/unseal", key(init.keys().get(4))).json();
    assertThat(first.get("progress").asInt()).isEqualTo(1);
    assertThat(first.get("nonce").asText()).isNotEmpty();
    assertThat(first.get("sealed").asBoolean()).isTrue();
    JsonNode second = api.put("/v1/sys/unseal", key(init.keysBase64().get(1))).json();
    assertThat(second.get("progress").asInt()).isEqualTo(2);
    assertThat(second.get("nonce").asText()).isEqualTo(first.get("nonce").asText());
    Reply done = api.send("POST", "/v1/sys/unseal", ApiClient.toJson(key(init.keys().get(0))));

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("sealed").asBoolean()).isFalse();
    assertThat(done.json().get("progress").asInt()).isZero();
    assertThat(master.keys().masterKey()).as("master key loaded at unseal").isPresent();
  }

  @Test
  void unseal_wrongShare_is400_refusedOnArrival_andStaysSealed() throws Exception {
    Init init = init(5, 3);
    byte[] foreign = HexFormat.of().parseHex(init.keys().get(0));
    foreign[0] ^= 0x5a; // same x coordinate, different y: would combine to a wrong key

    api.put("/v1/sys/unseal", key(init.keys().get(1)));
    api.put("/v1/sys/unseal", key(init.keys().get(2)));
    Reply wrong = api.put("/v1/sys/unseal", key(HexFormat.of().formatHex(foreign)));

    assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
    assertThat(wrong.error()).startsWith("this key is not a share of this vault");
    JsonNode s = api.get("/v1/sys/seal-status").json();
    assertThat(s.get("sealed").asBoolean()).isTrue();
    assertThat(s.get("progress").asInt()).as("the operators' shares are kept").isEqualTo(2);

    Reply malformed = api.put("/v1/sys/unseal", key("not a share"));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(api.put("/v1/sys/unseal", key(init.keys().get(0))).json().get("sealed").asBoolean())
        .isFalse();
  }

  @Test
  void unseal_reset_withAShareAsProof_discardsParts_andWinsOverKey() throws Exception {
    Init init = init(5, 3);
    api.put("/v1/sys/unseal", key(init.keys().get(0)));

    JsonNode reset =
        api.put("/v1/sys/unseal", Map.of("key", init.keys().get(1), "reset", true)).json();

    assertThat(reset.get("progress").asInt()).isZero();
    assertThat(reset.get("nonce").asText()).isEmpty();
    // hvac's reset ({"reset": true}, no key) from the address that gave the share: it goes.
    api.put("/v1/sys/unseal", key(init.keys().get(0)));
    Reply bare = api.put("/v1/sys/unseal", Map.of("reset", true));
    assertThat(bare.status()).isEqualTo(200);
    assertThat(bare.json().get("progress").asInt()).isZero();
    // A reset whose proof is a share of no operator changes nothing.
    api.put("/v1/sys/unseal", key(init.keys().get(0)));
    Reply forged =
        api.put("/v1/sys/unseal", Map.of("reset", true, "key", "ab".repeat(33)));
    assertThat(forged.status()).isEqualTo(400);
    assertThat(api.get("/v1/sys/seal-status").json().get("progress").asInt()).isEqualTo(1);
    Reply neither = api.put("/v1/sys/unseal", Map.of("migrate", false));
    assertThat(neither.status()).isEqualTo(400);
    assertThat(neither.error())
        .isEqualTo("'key' must be specified in request body as JSON, or 'reset' set to true");
  }

  @Test
  void seal_needsTheToken_byHeaderOrBearer() throws Exception {
    Init init = initAndUnseal();

    Reply none = api.put("/v1/sys/seal", null);
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.error()).isEqualTo("permission denied");
    Reply wrong = api.put("/v1/sys/seal", null, "s.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(api.get("/v1/sys/seal-status").json().get("sealed").asBoolean()).isFalse();

    Reply bearer = api.send("PUT", "/v1/sys/seal", null, "Authorization", "Bearer " + init.token());
    assertThat(bearer.status()).isEqualTo(204);
    assertThat(bearer.text()).isEmpty();
    assertThat(api.get("/v1/sys/seal-status").json().get("sealed").asBoolean()).isTrue();
    assertThat(master.keys().masterKey()).as("dropped at seal").isEmpty();
    assertThat(api.put("/v1/sys/seal", null).status())
        .as("already sealed: 204 without a token check")
        .isEqualTo(204);
  }

  @Test
  void sealed_otherPaths_answer503() throws Exception {
    Init init = init(5, 3);

    for (String path :
        List.of(
            "/v1/sys/rotate",
            "/v1/secret/foo",
            "/v1/sys/rotate/root/init",
            "/v1/sys/generate-root-token/attempt")) {
      Reply r = api.put(path, Map.of(), init.token());
      assertThat(r.status()).as(path).isEqualTo(503);
      assertThat(r.error()).as(path).isEqualTo("Vault is sealed");
    }
    assertThat(api.get("/v1/sys/key-status", init.token()).status()).isEqualTo(503);
  }

  @Test
  void health_codesFollowTheState_andOverrides() throws Exception {
    Reply uninit = api.get("/v1/sys/health");
    assertThat(uninit.status()).isEqualTo(501);
    JsonNode h = uninit.json();
    assertThat(h.get("initialized").asBoolean()).isFalse();
    assertThat(h.get("sealed").asBoolean()).isTrue();
    assertThat(h.get("standby").asBoolean()).isFalse();
    assertThat(h.get("performance_standby").asBoolean()).isFalse();
    assertThat(h.get("server_time_utc").asLong())
        .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 60);
    assertThat(h.get("version").asText()).isEqualTo(master.build().version());
    assertThat(api.get("/v1/sys/health?uninitcode=299").status()).isEqualTo(299);

    Init init = init(5, 3);
    assertThat(api.get("/v1/sys/health").status()).isEqualTo(503);
    assertThat(api.get("/v1/sys/health?sealedcode=200&standbyok=true").status()).isEqualTo(200);
    Reply bad = api.get("/v1/sys/health?sealedcode=abc");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("unable to parse sealedcode value");

    for (String k : init.keys().subList(0, 3)) {
      api.put("/v1/sys/unseal", key(k));
    }
    assertThat(api.get("/v1/sys/health").status()).isEqualTo(200);
    assertThat(api.get("/v1/sys/health?activecode=202").status()).isEqualTo(202);
    Reply head = api.send("HEAD", "/v1/sys/health", null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.text()).isEmpty();
  }

  @Test
  void badBodies_are400_or413_andTheConnectionStaysUsable() throws Exception {
    Reply malformed = api.send("PUT", "/v1/sys/unseal", "{\"key\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).startsWith("failed to parse JSON input: ");

    Reply array = api.send("PUT", "/v1/sys/unseal", "[1, 2]");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.error()).startsWith("failed to parse JSON input: ");

    Reply big = api.send("PUT", "/v1/sys/unseal", "{\"key\":\"" + "a".repeat(100 * 1024) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.error()).isEqualTo("request body too large");

    assertThat(api.get("/v1/sys/seal-status").status()).isEqualTo(200);
  }

  @Test
  void unknownPath_is404_wrongMethod_is405() throws Exception {
    initAndUnseal();

    assertThat(api.get("/v1/sys/no-such-thing").status()).isEqualTo(404);
    Reply wrongMethod = api.get("/v1/sys/unseal");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST, PUT");
  }

  @Test
  void rekey_overHttp_givesNewShares_thatUnseal() throws Exception {
    Init init = initAndUnseal();
    String token = init.token();

    assertThat(api.get("/v1/sys/rotate/root/init").status()).as("token required").isEqualTo(403);
    assertThat(api.get("/v1/sys/rekey/init").status())
        .as("legacy alias, authenticated")
        .isEqualTo(403);
    JsonNode startedReply =
        api.put(
                "/v1/sys/rotate/root/init",
                Map.of("secret_shares", 3, "secret_threshold", 2),
                token)
            .json();
    assertLogicalEnvelope(startedReply);
    JsonNode started = startedReply.get("data");
    assertThat(fieldNames(started))
        .containsExactlyInAnyOrder(
            "started", "t", "n", "required", "nonce", "progress", "verification_required",
            "verification_nonce");
    assertThat(started.get("started").asBoolean()).isTrue();
    assertThat(started.get("t").asInt()).isEqualTo(2);
    assertThat(started.get("n").asInt()).isEqualTo(3);
    assertThat(started.get("required").asInt()).isEqualTo(3);
    assertThat(started.get("verification_required").asBoolean()).isFalse();
    String nonce = started.get("nonce").asText();
    JsonNode legacy = api.get("/v1/sys/rekey/init", token).json();
    assertThat(fieldNames(legacy))
        .as("OpenBao's RekeyStatusResponse, flat")
        .containsExactlyInAnyOrder(
            "nonce", "started", "t", "n", "progress", "required", "pgp_fingerprints", "backup",
            "verification_required");
    assertThat(legacy.get("nonce").asText()).isEqualTo(nonce);
    assertThat(legacy.get("t").asInt()).isEqualTo(2);

    Reply wrongNonce =
        api.put(
            "/v1/sys/rotate/root/update", Map.of("key", init.keys().get(0), "nonce", "x"), token);
    assertThat(wrongNonce.status()).isEqualTo(400);
    JsonNode one =
        api.put(
                "/v1/sys/rotate/root/update",
                Map.of("key", init.keys().get(0), "nonce", nonce),
                token)
            .json()
            .get("data");
    assertThat(one.get("progress").asInt()).isEqualTo(1);
    JsonNode legacyTwo =
        api.put("/v1/sys/rekey/update", Map.of("key", init.keys().get(1), "nonce", nonce), token)
            .json();
    assertThat(legacyTwo.get("progress").asInt()).as("flat on the legacy path").isEqualTo(2);
    JsonNode done =
        api.put(
                "/v1/sys/rotate/root/update",
                Map.of("key", init.keys().get(2), "nonce", nonce),
                token)
            .json()
            .get("data");

    assertThat(done.get("complete").asBoolean()).isTrue();
    assertThat(done.get("nonce").asText()).isEqualTo(nonce);
    List<String> newKeys = strings(done.get("keys"));
    assertThat(newKeys).hasSize(3);
    assertThat(strings(done.get("keys_base64"))).hasSize(3);
    assertThat(api.put("/v1/sys/seal", null, token).status()).isEqualTo(204);
    Reply old = api.put("/v1/sys/unseal", key(init.keys().get(0)));
    assertThat(old.status()).as("an old share is refused on arrival").isEqualTo(400);
    assertThat(old.error()).startsWith("this key is not a share of this vault");
    assertThat(api.get("/v1/sys/seal-status").json().get("progress").asInt()).isZero();
    api.put("/v1/sys/unseal", key(newKeys.get(2)));
    JsonNode unsealed = api.put("/v1/sys/unseal", key(newKeys.get(0))).json();
    assertThat(unsealed.get("sealed").asBoolean()).as("2 of the 3 new shares unseal").isFalse();
    assertThat(unsealed.get("t").asInt()).isEqualTo(2);
  }

  @Test
  void rekey_cancel_is204() throws Exception {
    Init init = initAndUnseal();
    api.put(
        "/v1/sys/rotate/root/init",
        Map.of("secret_shares", 1, "secret_threshold", 1),
        init.token());

    assertThat(api.delete("/v1/sys/rotate/root/init", init.token()).status()).isEqualTo(204);
    JsonNode idle = api.get("/v1/sys/rotate/root/init", init.token()).json().get("data");
    assertThat(fieldNames(idle))
        .as("no nonce or progress without a rotation, as OpenBao")
        .containsExactlyInAnyOrder("started", "t", "n", "required");
    assertThat(idle.get("started").asBoolean()).isFalse();
    assertThat(api.delete("/v1/sys/rekey/init", init.token()).status())
        .as("the legacy cancel")
        .isEqualTo(204);
    Reply recovery =
        api.put(
            "/v1/sys/rotate/recovery/init",
            Map.of("secret_shares", 1, "secret_threshold", 1),
            init.token());
    assertThat(recovery.status()).as("no recovery keys under shamir").isEqualTo(400);
  }

  @Test
  void generateRoot_overHttp_givesATokenThatWorks() throws Exception {
    Init init = initAndUnseal();
    String token = init.token();

    JsonNode attemptReply = api.put("/v1/sys/generate-root-token/attempt", Map.of(), token).json();
    assertLogicalEnvelope(attemptReply);
    JsonNode attempt = attemptReply.get("data");
    assertThat(fieldNames(attempt))
        .containsExactlyInAnyOrder(
            "started", "complete", "progress", "required", "otp", "otp_length", "nonce",
            "pgp_fingerprint");
    assertThat(attempt.get("started").asBoolean()).isTrue();
    assertThat(attempt.get("required").asInt()).isEqualTo(3);
    assertThat(attempt.get("complete").asBoolean()).isFalse();
    String otp = attempt.get("otp").asText();
    assertThat(otp).hasSize(attempt.get("otp_length").asInt());
    String nonce = attempt.get("nonce").asText();
    JsonNode status = api.get("/v1/sys/generate-root-token/attempt", token).json().get("data");
    assertThat(status.get("progress").asInt()).isZero();
    assertThat(status.get("otp").asText()).as("the pad only in the answer that started").isEmpty();

    JsonNode last = null;
    for (String k : init.keys().subList(1, 4)) {
      last =
          api.put("/v1/sys/generate-root-token/update", Map.of("key", k, "nonce", nonce), token)
              .json()
              .get("data");
    }

    assertThat(fieldNames(last))
        .containsExactlyInAnyOrder(
            "started", "complete", "progress", "required", "nonce", "encoded_token",
            "pgp_fingerprint");
    assertThat(last.get("complete").asBoolean()).isTrue();
    assertThat(last.get("started").asBoolean()).as("kept on the last share").isTrue();
    assertThat(last.get("nonce").asText()).as("kept on the last share").isEqualTo(nonce);
    assertThat(last.get("progress").asInt()).isEqualTo(3);
    String encoded = last.get("encoded_token").asText();
    String newToken = TokenOtp.decode(encoded, otp);
    assertThat(newToken).matches("s\\.[0-9A-Za-z]{32}").isNotEqualTo(token);
    assertThat(api.get("/v1/sys/key-status", newToken).status()).isEqualTo(200);

    api.put("/v1/sys/generate-root-token/attempt", Map.of(), token);
    assertThat(api.delete("/v1/sys/generate-root-token/attempt", token).status()).isEqualTo(204);
    Reply ownOtp = api.put("/v1/sys/generate-root-token/attempt", Map.of("otp", "abc"), token);
    assertThat(ownOtp.status()).isEqualTo(400);
  }

  @Test
  void keyring_rotate_addsATerm_andKeyStatusShowsIt() throws Exception {
    Init init = initAndUnseal();

    assertThat(api.put("/v1/sys/rotate", null).status()).isEqualTo(403);
    Reply rotated = api.put("/v1/sys/rotate", null, init.token());
    assertThat(rotated.status()).as("OpenBao answers 204").isEqualTo(204);
    assertThat(rotated.text()).isEmpty();
    JsonNode status = api.get("/v1/sys/key-status", init.token()).json();
    assertLogicalEnvelope(status);
    JsonNode data = status.get("data");
    assertThat(fieldNames(data)).containsExactlyInAnyOrder("term", "install_time", "encryptions");
    assertThat(data.get("term").asInt()).isEqualTo(2);
    assertThat(Instant.parse(data.get("install_time").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(data.get("encryptions").asLong()).isNotNegative();
    for (String field : List.of("term", "install_time", "encryptions")) {
      assertThat(status.get(field)).as("also at the top, as OpenBao").isEqualTo(data.get(field));
    }
    assertThat(
            api.send("POST", "/v1/sys/rotate/keyring", null, "X-Vault-Token", init.token())
                .status())
        .isEqualTo(204);
    assertThat(api.get("/v1/sys/key-status", init.token()).json().get("data").get("term").asInt())
        .isEqualTo(3);
  }

  @Test
  void rotateRoot_is204_andTheSharesStillUnseal() throws Exception {
    Init init = initAndUnseal();

    assertThat(api.put("/v1/sys/rotate/root", null, init.token()).status()).isEqualTo(204);
    api.put("/v1/sys/seal", null, init.token());
    for (String k : init.keys().subList(2, 5)) {
      api.put("/v1/sys/unseal", key(k));
    }
    assertThat(api.get("/v1/sys/seal-status").json().get("sealed").asBoolean()).isFalse();
  }

  @Test
  void leader_withoutHa_isOpenBaosSingleField_unauthenticated_andSealedToo() throws Exception {
    Reply sealed = api.get("/v1/sys/leader");
    assertThat(sealed.status()).isEqualTo(200);
    assertThat(sealed.json()).isEqualTo(ApiClient.JSON.readTree("{\"ha_enabled\":false}"));

    initAndUnseal();
    Reply unsealed = api.get("/v1/sys/leader");
    assertThat(unsealed.status()).isEqualTo(200);
    assertThat(unsealed.json()).isEqualTo(ApiClient.JSON.readTree("{\"ha_enabled\":false}"));
    assertThat(api.put("/v1/sys/leader", Map.of()).status()).isEqualTo(405);
  }

  @Test
  void legacyGenerateRoot_isFlat_andTheLastShareKeepsStartedAndNonce() throws Exception {
    Init init = initAndUnseal();
    String token = init.token();
    assertThat(api.get("/v1/sys/generate-root/attempt").status())
        .as("authenticated here")
        .isEqualTo(403);

    JsonNode idle = api.get("/v1/sys/generate-root/attempt", token).json();
    assertThat(fieldNames(idle)).containsExactlyInAnyOrderElementsOf(LEGACY_GENERATE_ROOT_FIELDS);
    assertThat(idle.get("started").asBoolean()).isFalse();
    assertThat(idle.get("nonce").asText()).isEmpty();
    JsonNode attempt = api.put("/v1/sys/generate-root/attempt", Map.of(), token).json();
    assertThat(fieldNames(attempt))
        .containsExactlyInAnyOrderElementsOf(LEGACY_GENERATE_ROOT_FIELDS);
    String otp = attempt.get("otp").asText();
    String nonce = attempt.get("nonce").asText();
    assertThat(otp).hasSize(attempt.get("otp_length").asInt());
    JsonNode last = null;
    for (String k : init.keys().subList(0, 3)) {
      last =
          api.put("/v1/sys/generate-root/update", Map.of("key", k, "nonce", nonce), token).json();
    }

    assertThat(fieldNames(last)).containsExactlyInAnyOrderElementsOf(LEGACY_GENERATE_ROOT_FIELDS);
    assertThat(last.get("complete").asBoolean()).isTrue();
    assertThat(last.get("started").asBoolean()).isTrue();
    assertThat(last.get("nonce").asText()).isEqualTo(nonce);
    assertThat(last.get("encoded_root_token").asText())
        .isEqualTo(last.get("encoded_token").asText());
    String newToken = TokenOtp.decode(last.get("encoded_token").asText(), otp);
    assertThat(api.get("/v1/sys/key-status", newToken).status()).isEqualTo(200);
    api.put("/v1/sys/generate-root/attempt", Map.of(), token);
    assertThat(api.delete("/v1/sys/generate-root/attempt", token).status()).isEqualTo(204);
  }

  private static final List<String> LEGACY_GENERATE_ROOT_FIELDS =
      List.of(
          "nonce", "started", "progress", "required", "complete", "encoded_token",
          "encoded_root_token", "pgp_fingerprint", "otp", "otp_length");

  @Test
  void legacyRekeyRecoveryKey_onShamir_is400ForEveryMethod_asOpenBao() throws Exception {
    Init init = initAndUnseal();

    assertThat(api.get("/v1/sys/rekey-recovery-key/init").status())
        .as("the token first: a stranger learns nothing of the seal")
        .isEqualTo(403);
    List<Reply> replies =
        List.of(
            api.get("/v1/sys/rekey-recovery-key/init", init.token()),
            api.put(
                "/v1/sys/rekey-recovery-key/init",
                Map.of("secret_shares", 1, "secret_threshold", 1),
                init.token()),
            api.delete("/v1/sys/rekey-recovery-key/init", init.token()));
    for (Reply r : replies) {
      assertThat(r.status()).as(r.text()).isEqualTo(400);
      assertThat(r.error()).isEqualTo("recovery rekeying not supported");
    }
  }

  @Test
  void unseal_whileUnsealed_refusesGarbage_andIgnoresAWellFormedShare() throws Exception {
    Init init = initAndUnseal();

    Reply garbage = api.put("/v1/sys/unseal", key("not a key!"));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.error()).isEqualTo("'key' must be a valid hex or base64 string");
    Reply tooShort = api.put("/v1/sys/unseal", key("abcd"));
    assertThat(tooShort.status()).as("2 bytes: no share").isEqualTo(400);
    Reply share = api.put("/v1/sys/unseal", key(init.keys().get(4)));
    assertThat(share.status()).isEqualTo(200);
    assertThat(share.json().get("sealed").asBoolean()).isFalse();
  }

  @Test
  void logicalEnvelope_hasOpenBaosFields_andAFreshRequestIdEachTime() throws Exception {
    Init init = initAndUnseal();

    JsonNode one = api.get("/v1/sys/rotate/root/init", init.token()).json();
    JsonNode two = api.get("/v1/sys/rotate/root/init", init.token()).json();
    assertLogicalEnvelope(one);
    assertThat(fieldNames(one))
        .containsExactlyInAnyOrder(
            "request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info",
            "warnings", "auth");
    assertThat(one.get("request_id").asText()).isNotEqualTo(two.get("request_id").asText());
  }

  /** OpenBao's logical response ({@code HTTPResponse}, sdk/logical/translate_response.go). */
  private static void assertLogicalEnvelope(JsonNode reply) {
    assertThat(java.util.UUID.fromString(reply.get("request_id").asText())).isNotNull();
    assertThat(reply.get("lease_id").asText()).isEmpty();
    assertThat(reply.get("renewable").isBoolean()).isTrue();
    assertThat(reply.get("renewable").asBoolean()).isFalse();
    assertThat(reply.get("lease_duration").isInt()).isTrue();
    assertThat(reply.get("lease_duration").asInt()).isZero();
    assertThat(reply.get("data").isObject()).isTrue();
    assertThat(reply.get("wrap_info").isNull()).isTrue();
    assertThat(reply.get("warnings").isNull()).isTrue();
    assertThat(reply.get("auth").isNull()).isTrue();
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
