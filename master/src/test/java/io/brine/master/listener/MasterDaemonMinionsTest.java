package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.config.MasterConfig;
import io.brine.master.pki.KeyChanges;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.publish.PublishKey;
import io.brine.protocol.wire.MessageType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener as the master daemon runs it: sealed at start, then unsealed by an operator. */
class MasterDaemonMinionsTest {
  @TempDir Path dir;

  @Test
  void sealedMaster_answersSealed_andAfterUnsealTheSameConnectionIsPendingThenWelcomed()
      throws Exception {
    KeyPair keys = RsaKeys.generate(2048);
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion minion = TestMinion.connect(master.minionPort(), "web1", keys)) {
      assertThat(started.stdout())
          .contains("vault sealed (shamir); minions on 127.0.0.1:" + master.minionPort() + "; crypto ")
          .endsWith("\n");

      Outcome sealed = minion.hello(MasterTrust.firstContact());
      assertThat(((Refused) sealed).type()).isEqualTo(MessageType.SEALED);

      initAndUnseal(started.client());
      Outcome pending = minion.hello(MasterTrust.firstContact());
      assertThat(((Refused) pending).type()).isEqualTo(MessageType.PENDING);

      KeyChanges changes = master.pki().accept(List.of(MinionId.of("web1")), false, false);
      master.minionListener().onKeysChanged(changes);
      Outcome welcome = minion.hello(MasterTrust.firstContact());

      assertThat(welcome).isInstanceOf(Welcomed.class);
      assertThat(((Welcomed) welcome).masterKey())
          .isEqualTo(master.keys().masterKey().orElseThrow().getPublic());
      assertThat(((Welcomed) welcome).publishKey().epoch())
          .isEqualTo(master.publishKeys().current().epoch());
      assertThat(minion.request("{\"rid\":1,\"kind\":\"nothing\"}"))
          .isEqualTo("{\"rid\":1,\"ok\":false,\"error\":\"unknown request kind 'nothing'\"}");
      assertThat(master.minionListener().connected().isConnected(MinionId.of("web1"))).isTrue();
    }
  }

  @Test
  void sealingTheVault_closesEveryMinionConnection_andNewHellosAreAnsweredSealed()
      throws Exception {
    KeyPair keys = RsaKeys.generate(2048);
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion minion = TestMinion.connect(master.minionPort(), "web1", keys)) {
      ApiClient api = started.client();
      String token = welcome(master, api, minion);

      assertThat(api.put("/v1/sys/seal", Map.of(), token).status()).isEqualTo(204);

      assertThat(minion.closedByMaster(java.time.Duration.ofSeconds(10))).isTrue();
      try (TestMinion again = TestMinion.connect(master.minionPort(), "web1", keys)) {
        Outcome sealed = again.hello(MasterTrust.firstContact());
        assertThat(((Refused) sealed).type()).isEqualTo(MessageType.SEALED);
      }
    }
  }

  @Test
  void sealing_wipesThePublishKeys_andTheUnsealMakesANewOneWithAHigherEpoch() throws Exception {
    KeyPair keys = RsaKeys.generate(2048);
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion minion = TestMinion.connect(master.minionPort(), "web1", keys)) {
      ApiClient api = started.client();
      JsonNode init =
          api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
      String share = init.get("keys").get(0).asText();
      String token = init.get("root_token").asText();
      api.put("/v1/sys/unseal", Map.of("key", share));
      PublishKey first = master.publishKeys().current();
      api.put("/v1/brine/keys/rotate", Map.of(), token);
      PublishKey second = master.publishKeys().current(); // the first is in its grace

      assertThat(api.put("/v1/sys/seal", Map.of(), token).status()).isEqualTo(204);

      assertThat(first.isDestroyed()).as("the previous key, in its grace").isTrue();
      assertThat(second.isDestroyed()).as("the current key").isTrue();
      assertThat(second.key().secret().isDestroyed()).isTrue();
      assertThat(master.publishKeys().sealingKey()).isEmpty();

      api.put("/v1/sys/unseal", Map.of("key", share));
      minion.hello(MasterTrust.firstContact());
      master.pki().accept(List.of(MinionId.of("web1")), false, false);
      Outcome welcome = minion.hello(MasterTrust.firstContact());

      PublishKey third = master.publishKeys().current();
      assertThat(third.epoch()).as("never an old epoch number again").isGreaterThan(second.epoch());
      assertThat(third.isDestroyed()).isFalse();
      assertThat(((Welcomed) welcome).publishKey().epoch()).isEqualTo(third.epoch());
    }
  }

  @Test
  void rotateThroughTheOperatorApi_needsAToken_andSendsReauthToConnectedMinions()
      throws Exception {
    KeyPair keys = RsaKeys.generate(2048);
    TestMaster.Started started = TestMaster.start(TestMaster.shamir(dir));
    try (MasterDaemon master = started.daemon();
        TestMinion minion = TestMinion.connect(master.minionPort(), "web1", keys)) {
      ApiClient api = started.client();
      String token = welcome(master, api, minion);
      int before = master.publishKeys().current().epoch();

      assertThat(api.put("/v1/brine/keys/rotate", Map.of()).status()).isEqualTo(403);
      assertThat(master.publishKeys().current().epoch()).isEqualTo(before);
      ApiClient.Reply rotated = api.put("/v1/brine/keys/rotate", Map.of(), token);

      assertThat(rotated.status()).isEqualTo(200);
      int epoch = rotated.json().get("epoch").asInt();
      assertThat(epoch).isGreaterThan(before);
      assertThat(master.publishKeys().current().epoch()).isEqualTo(epoch);
      // TestMaster keeps the default reauth_window (60 s): the REAUTH itself is covered by
      // MinionListenerTest with a 1 s window.
    }
  }

  @Test
  void start_onABusyRetPort_failsWithOneLineNamingIt() throws Exception {
    try (MasterDaemon first = TestMaster.start(TestMaster.shamir(dir)).daemon()) {
      Path other = Files.createDirectory(dir.resolve("other"));
      Path file = other.resolve("master.yaml");
      Files.writeString(
          file,
          "pki_dir: pki\ninterface: 127.0.0.1\nret_port: "
              + first.minionPort()
              + "\nvault:\n  storage_dir: vault\n  api_addr: 127.0.0.1:0\n");

      assertThatThrownBy(() -> TestMaster.start(MasterConfig.load(file)))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(
              "cannot listen for minions on 127.0.0.1:" + first.minionPort() + ": ");
    }
  }

  /** @return the root token */
  /** Unseals, lets web1 knock once, accepts its key, and checks its next HELLO is welcomed. */
  private static String welcome(MasterDaemon master, ApiClient api, TestMinion minion)
      throws Exception {
    String token = initAndUnseal(api);
    minion.hello(MasterTrust.firstContact());
    master.pki().accept(List.of(MinionId.of("web1")), false, false);
    assertThat(minion.hello(MasterTrust.firstContact())).isInstanceOf(Welcomed.class);
    TestMinion.awaitConnected(master.minionListener().connected(), "web1");
    return token;
  }

  private static String initAndUnseal(ApiClient api) throws Exception {
    JsonNode init =
        api.put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
    String share = init.get("keys").get(0).asText();
    JsonNode done = api.put("/v1/sys/unseal", Map.of("key", share)).json();
    assertThat(done.get("sealed").asBoolean()).as(done.toString()).isFalse();
    return init.get("root_token").asText();
  }
}
