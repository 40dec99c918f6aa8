package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.crypto.rsa.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's table 1, end to end, with a real {@code brine master} process, real {@code brine
 * minion} processes over loopback, and {@code brine key}. Each test is named by the rows it covers.
 * Rows 15-16 and 20 run {@code brine key} online (BRINE_ADDR, BRINE_TOKEN), so the master itself
 * closes the removed minion's connection and rotates; the others run it on the folder.
 */
class SeedTable1Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private MasterProcess master;
  private String token;
  private final Cli cli = new Cli();

  @BeforeEach
  void unsealedMaster() throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\nreauth_window: 1\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    JsonNode init = put("/v1/sys/init", "{\"secret_shares\":1,\"secret_threshold\":1}", null);
    token = init.get("root_token").asText();
    JsonNode status = put("/v1/sys/unseal", "{\"key\":\"" + init.get("keys").get(0).asText() + "\"}", null);
    assertThat(status.get("sealed").asBoolean()).isFalse();
    cli.env("BRINE_MASTER_CONFIG", config.toString());
  }

  @AfterEach
  void stop() {
    master.close();
  }

  private MinionProcess minion(String id) {
    return MinionProcess.start(dir.resolve("minion-" + id + "-" + System.nanoTime()), id, master.minionPort());
  }

  private Path pki(String status, String id) {
    return dir.resolve("master/pki/master").resolve(status).resolve(id);
  }

  @Test
  void rows01to04_bothSidesMakeKeys_andAnUnacceptedKeyWaitsInMinionsPre_resentUntilAccepted()
      throws Exception {
    try (MinionProcess web1 = minion("web1")) {
      await(() -> Files.exists(pki("minions_pre", "web1")), web1, "key in minions_pre");

      assertThat(dir.resolve("master/pki/master/master.pub")).exists();
      assertThat(Files.getPosixFilePermissions(web1.keyDir().resolve("minion.pem")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(pki("minions_pre", "web1")))
          .isEqualTo(Files.readString(web1.keyDir().resolve("minion.pub")));
      await(() -> master.log().lines().filter(l -> l.contains("minion web1: pending")).count() >= 2,
          web1, "the key re-sent while pending");
      assertThat(web1.count("authenticated")).isZero();
    }
  }

  @Test
  void rows06to11_operatorAccepts_minionGetsMasterKeyAndAesKey_andAuthenticates() throws Exception {
    try (MinionProcess web1 = minion("web1")) {
      await(() -> Files.exists(pki("minions_pre", "web1")), web1, "pending");

      Cli.Result accepted = cli.run("key", "-a", "web1", "-y");

      assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
      assertThat(pki("minions", "web1")).exists();
      assertThat(pki("minions_pre", "web1")).doesNotExist();
      await(() -> web1.count("authenticated to master") >= 1, web1, "authenticated");
      Path pinned = web1.keyDir().resolve("minion_master.pub");
      assertThat(Pem.readPublicKey(Files.readString(pinned)))
          .isEqualTo(Pem.readPublicKey(Files.readString(dir.resolve("master/pki/master/master.pub"))));
    }
  }

  @Test
  void row05_aDifferentKeyForAnAcceptedId_isDenied_andTheAcceptedMinionKeepsWorking()
      throws Exception {
    try (MinionProcess web1 = minion("web1")) {
      await(() -> Files.exists(pki("minions_pre", "web1")), web1, "pending");
      cli.run("key", "-a", "web1", "-y");
      await(() -> web1.count("authenticated to master") >= 1, web1, "authenticated");

      try (MinionProcess impostor = minion("web1")) {
        await(() -> Files.exists(pki("minions_denied", "web1")), impostor, "key in minions_denied");
        assertThat(Files.readString(pki("minions_denied", "web1")))
            .isEqualTo(Files.readString(impostor.keyDir().resolve("minion.pub")));
        assertThat(impostor.count("authenticated to master")).isZero();
      }
      assertThat(Files.readString(pki("minions", "web1")))
          .as("the accepted key stays")
          .isEqualTo(Files.readString(web1.keyDir().resolve("minion.pub")));
      assertThat(web1.isAlive()).isTrue();
    }
  }

  @Test
  void rows12to14_operatorRejects_keyMovesToMinionsRejected_andTheMinionIsRefused()
      throws Exception {
    try (MinionProcess web2 = minion("web2")) {
      await(() -> Files.exists(pki("minions_pre", "web2")), web2, "pending");

      Cli.Result rejected = cli.run("key", "-r", "web2", "-y");

      assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
      assertThat(pki("minions_rejected", "web2")).exists();
      assertThat(pki("minions_pre", "web2")).doesNotExist();
      await(() -> master.log().contains("minion web2: rejected"), web2, "refused as rejected");
      assertThat(web2.count("authenticated to master")).isZero();
    }
  }

  @Test
  void rows17to23_aRotation_reachesEveryMinionOverItsOpenConnection() throws Exception {
    try (MinionProcess web1 = minion("web1");
        MinionProcess web2 = minion("web2")) {
      await(() -> Files.exists(pki("minions_pre", "web1")) && Files.exists(pki("minions_pre", "web2")),
          web1, "both pending");
      cli.run("key", "-A", "-y");
      await(() -> web1.count("authenticated to master") >= 1 && web2.count("authenticated to master") >= 1,
          web1, "both authenticated");
      long connections1 = master.log().lines().filter(l -> l.contains("minion web1: accepted")).count();

      JsonNode rotated = put("/v1/brine/keys/rotate", null, token);
      int epoch = rotated.get("epoch").asInt();

      String reauthenticated = "re-authenticated to master 127.0.0.1:" + master.minionPort() + " (epoch " + epoch + ")";
      await(() -> web1.log().contains(reauthenticated) && web2.log().contains(reauthenticated),
          web1, "both minions re-authenticated for epoch " + epoch);
      assertThat(web1.count("lost the connection") + web2.count("lost the connection"))
          .as("no reconnect: re-authenticated over the open connection")
          .isZero();
      // The master logs its side of the re-authentication on its own thread: it may land a moment
      // after the minion's line.
      await(() -> master.log().lines().filter(l -> l.contains("minion web1: accepted")).count()
              > connections1,
          web1, "the master accepted web1's re-authentication");
    }
  }

  @Test
  void rows15and16_rejectingAnAcceptedKey_rotatesAndTheOthersReauthenticate() throws Exception {
    try (MinionProcess web1 = minion("web1");
        MinionProcess web2 = minion("web2")) {
      bothAuthenticated(web1, web2);
      online();

      Cli.Result rejected = cli.run("key", "-r", "web2", "--include-accepted", "-y");

      assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
      assertThat(rejected.err()).isEmpty();
      assertThat(pki("minions_rejected", "web2")).exists();
      assertThat(pki("minions", "web2")).doesNotExist();
      int epoch = rotatedEpoch(web1);
      await(() -> web2.count("lost the connection") >= 1
              || master.log().contains("minion web2: rejected"),
          web2, "web2's connection closed, or web2 refused");
      String reauthenticated = reauthenticated(epoch);
      await(() -> web1.log().contains(reauthenticated), web1,
          "web1 re-authenticated for epoch " + epoch);
      assertThat(web1.count("lost the connection")).as("over its open connection").isZero();
      assertThat(web2.log()).doesNotContain("(epoch " + epoch + ")");
    }
  }

  @Test
  void row20_deletingAKey_closesThatMinionsConnection_andRotates() throws Exception {
    try (MinionProcess web1 = minion("web1");
        MinionProcess web2 = minion("web2")) {
      bothAuthenticated(web1, web2);
      online();

      Cli.Result deleted = cli.run("key", "-d", "web2", "-y");

      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      assertThat(deleted.err()).isEmpty();
      assertThat(pki("minions", "web2")).doesNotExist();
      int epoch = rotatedEpoch(web1);
      await(() -> web2.count("lost the connection") >= 1, web2, "web2's connection closed");
      String reauthenticated = reauthenticated(epoch);
      await(() -> web1.log().contains(reauthenticated), web1,
          "web1 re-authenticated for epoch " + epoch);
      assertThat(web1.count("lost the connection")).as("over its open connection").isZero();
      assertThat(web2.log()).doesNotContain("(epoch " + epoch + ")");
      // web2 comes back as a new, unaccepted key: nothing it had is honoured.
      await(() -> Files.exists(pki("minions_pre", "web2")), web2, "web2 pending again");
    }
  }

  private void bothAuthenticated(MinionProcess web1, MinionProcess web2) throws Exception {
    await(() -> Files.exists(pki("minions_pre", "web1")) && Files.exists(pki("minions_pre", "web2")),
        web1, "both pending");
    cli.run("key", "-A", "-y");
    await(() -> web1.count("authenticated to master") >= 1 && web2.count("authenticated to master") >= 1,
        web1, "both authenticated");
  }

  /** brine key through the running master from now on. */
  private void online() {
    cli.env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  /** The epoch of the rotation that followed the removal of an accepted key, from the master log. */
  private int rotatedEpoch(MinionProcess minion) throws Exception {
    Pattern rotated =
        Pattern.compile(
            // Whichever noticed the removal first names it: the API's count, or the folder watch.
            "publish key rotated to epoch (\\d+) \\(an accepted minion key"
                + " (?:was removed|left minions/ or changed)\\)");
    await(() -> rotated.matcher(master.log()).find(), minion, "a rotation after the removal");
    Matcher m = rotated.matcher(master.log());
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private String reauthenticated(int epoch) {
    return "re-authenticated to master 127.0.0.1:" + master.minionPort() + " (epoch " + epoch + ")";
  }

  private JsonNode put(String path, String body, String withToken) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(master.address() + path))
            .timeout(Duration.ofSeconds(60))
            .PUT(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (withToken != null) {
      request.header("X-Vault-Token", withToken);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s", path, response.body()).isBetween(200, 299);
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  private void await(BooleanSupplier condition, MinionProcess minion, String what)
      throws InterruptedException {
    Await.until(condition, master, minion, what);
  }
}
