package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterCluster;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.vault.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a single master into a cluster with {@code brine key --import}, with real processes: a
 * file-store master accepts a real minion, its folder also holds keys in the other states; the
 * folder goes into a two-master cluster on PostgreSQL through the standby (307 to the active);
 * the other master lists every key in its state, the minion authenticates with its imported key
 * without an acceptance and answers test.ping; the import again is all unchanged; a key changed
 * in the folder since is a conflict, with its own exit code.
 */
class KeyImportEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static String newKey() throws Exception {
    return Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
  }

  @Test
  void aSingleMastersFolder_intoATwoMasterCluster() throws Exception {
    // The old master: web1 a real minion it accepted; the other states written as Salt leaves
    // them (one file per minion, the public key PEM).
    Path oldPki;
    Path web1Home = dir.resolve("web1");
    try (MasterProcess single = MasterProcess.start(Files.createDirectories(dir.resolve("old")))) {
      Cli old = new Cli().env("BRINE_ADDR", single.address()).env("BRINE_TOKEN", single.initAndUnseal());
      try (MinionProcess web1 = MinionProcess.start(web1Home, "web1", single.minionPort())) {
        await(WITHIN, "web1 pending on the old master",
            () -> old.run("key", "-l", "un").out().contains("web1"));
        Result accepted = old.run("key", "-a", "web1", "-y");
        assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
        await(WITHIN, "web1 authenticated to the old master",
            () -> web1.log().contains("authenticated to master"));
      }
      oldPki = dir.resolve("old/pki");
      Path master = oldPki.resolve("master");
      Files.writeString(master.resolve("minions_pre/web2"), newKey());
      Files.writeString(master.resolve("minions_rejected/bad1"), newKey());
      Files.writeString(master.resolve("minions_denied/web1"), newKey());
    }

    PostgresServer.Database database = PostgresServer.shared().newDatabase();
    try (MasterCluster cluster = MasterCluster.start(dir.resolve("cluster"), database, 2, "")) {
      MasterProcess active = cluster.awaitActive(WITHIN);
      MasterProcess standby = cluster.standby(active);
      Cli viaStandby = cluster.cli(standby);
      Cli viaActive = cluster.cli(active);

      Result dry = viaStandby.run("key", "--import", oldPki.toString(), "--dry-run");
      assertThat(dry.exitCode()).as(dry.toString()).isZero();
      assertThat(dry.out()).contains("Key for minion web1 (accepted) would be imported.");
      assertThat(listed(viaActive).path("minions")).isEmpty();

      Result imported = viaStandby.run("key", "--import", oldPki.toString());

      assertThat(imported.exitCode()).as(imported.toString()).isZero();
      assertThat(imported.out().lines())
          .containsExactly(
              "Key for minion bad1 (rejected) imported.",
              "Key for minion web1 (accepted) imported.",
              "Key for minion web1 (denied) imported.",
              "Key for minion web2 (pending) imported.",
              "Imported 4 key(s) (1 accepted, 1 pending, 1 rejected, 1 denied), 0 unchanged,"
                  + " 0 conflict(s).");
      assertThat(imported.err()).isEmpty();
      JsonNode keys = listed(viaActive);
      assertThat(keys.toString())
          .isEqualTo(
              "{\"minions\":[\"web1\"],\"minions_pre\":[\"web2\"],"
                  + "\"minions_rejected\":[\"bad1\"],\"minions_denied\":[\"web1\"]}");

      // The minion moves: the cluster's master key is not the old master's, so its pin goes (as
      // in Salt when a master key changes); its own key stays, and needs no acceptance.
      Files.delete(web1Home.resolve("pki/minion/minion_master.pub"));
      try (MinionProcess web1 =
          MinionProcess.startWithMasters(
              web1Home, "web1", List.of(active.minionPort(), standby.minionPort()), "")) {
        await(WITHIN, "web1 authenticated to the cluster",
            () -> web1.log().contains("authenticated to master"));
        await(WITHIN, "test.ping returns from web1",
            () -> {
              Result ping = viaActive.run("run", "web1", "test.ping", "--out", "json");
              return ping.exitCode() == 0 && ping.out().contains("\"web1\"")
                  && ping.out().contains("true");
            });
        assertThat(listed(viaActive).path("minions_pre")).extracting(JsonNode::asText)
            .containsExactly("web2");
      }

      Result again = viaActive.run("key", "--import", oldPki.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out())
          .contains("Key for minion web1 (accepted) unchanged, already there.")
          .contains("Imported 0 key(s) (0 accepted, 0 pending, 0 rejected, 0 denied),"
              + " 4 unchanged, 0 conflict(s).");

      Files.writeString(oldPki.resolve("master/minions_pre/web2"), newKey());
      Result conflict = viaStandby.run("key", "--import", oldPki.toString());
      assertThat(conflict.exitCode()).as(conflict.toString()).isEqualTo(4);
      assertThat(conflict.out())
          .contains(
              "Key for minion web2 (pending) not imported: the store holds another key for it.")
          .contains("3 unchanged, 1 conflict(s).");
    }
  }

  private static JsonNode listed(Cli cli) throws Exception {
    Result r = cli.run("key", "-L", "--out", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return JSON.readTree(r.out());
  }
}
