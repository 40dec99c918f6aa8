package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.MasterDaemon;
import io.brine.master.pki.KeyChanges;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.handshake.MinionHandshake.Outcome;
import io.brine.protocol.handshake.MinionHandshake.Refused;
import io.brine.protocol.handshake.MinionHandshake.Welcomed;
import io.brine.protocol.wire.MessageType;
import io.brine.vault.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby of a cluster serves its minions as the active master does, with the one master key the
 * active made behind the shared barrier: a minion pinned to the active master's key is welcomed by
 * the standby.
 */
class StandbyMinionsTest {
  @TempDir Path dir;

  @Test
  void aStandbyWelcomesMinionsWithTheClustersMasterKey() throws Exception {
    PostgresServer.Database db = PostgresServer.shared().newDatabase();
    String storage =
        "  storage:\n"
            + "    type: postgresql\n"
            + "    connection_url: \"" + db.connectionUrl() + "\"\n"
            + "    ha_enabled: true\n";
    TestMaster.Started a =
        TestMaster.start(TestMaster.write(Files.createDirectories(dir.resolve("a")), storage));
    TestMaster.Started b =
        TestMaster.start(TestMaster.write(Files.createDirectories(dir.resolve("b")), storage));
    KeyPair keys = RsaKeys.generate(2048);
    try (MasterDaemon first = a.daemon();
        MasterDaemon second = b.daemon()) {
      JsonNode init =
          a.client().put("/v1/sys/init", Map.of("secret_shares", 1, "secret_threshold", 1)).json();
      String share = init.get("keys").get(0).asText();
      a.client().put("/v1/sys/unseal", ApiClient.key(share));
      await(() -> first.cluster().active(), "the first is active");
      try (TestMinion minion = TestMinion.connect(second.minionPort(), "web1", keys)) {
        Outcome sealed = minion.hello(MasterTrust.firstContact());
        assertThat(((Refused) sealed).type()).isEqualTo(MessageType.SEALED);

        b.client().put("/v1/sys/unseal", ApiClient.key(share));
        assertThat(second.cluster().active()).isFalse();
        // The standby reads the master key the active made (at its next leader check).
        await(() -> second.keys().masterKey().isPresent(), "the standby has the master key");
        // ... and the cluster's key-row key, without which it reads no minion key.
        await(() -> readsKeys(second), "the standby reads the shared minion keys");
        Outcome pending = minion.hello(MasterTrust.firstContact());
        assertThat(((Refused) pending).type()).isEqualTo(MessageType.PENDING);
        // Decisions are the active master's; the standby sees them in the shared store.
        assertThatThrownBy(() -> second.pki().accept(List.of(MinionId.of("web1")), false, false))
            .hasMessageContaining("standby");
        KeyChanges changes = first.pki().accept(List.of(MinionId.of("web1")), false, false);
        assertThat(changes.changes()).hasSize(1);
        Outcome welcome =
            minion.hello(
                MasterTrust.pinned(
                    (java.security.interfaces.RSAPublicKey)
                        first.keys().masterKey().orElseThrow().getPublic()));

        assertThat(welcome).isInstanceOf(Welcomed.class);
        assertThat(((Welcomed) welcome).masterKey())
            .isEqualTo(first.keys().masterKey().orElseThrow().getPublic());
        TestMinion.awaitConnected(second.minionListener().connected(), "web1");
        assertThat(second.cluster().active()).isFalse();
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(50);
    }
  }

  private static boolean readsKeys(MasterDaemon master) {
    try {
      master.pki().list();
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
