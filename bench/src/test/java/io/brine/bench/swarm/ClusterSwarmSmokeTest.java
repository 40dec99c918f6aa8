package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.vault.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm against a cluster, small, so the cluster harness cannot rot: three real {@code brine
 * master} child processes on one real PostgreSQL with HA on, 30 minions spread over them in
 * Salt's failover form, through the storm, the pings, a publish-key rotation after a deleted key
 * (every minion on every master moves, no job lost), and kill -9 of the active master (its minions
 * move on, a standby takes the lock, a new job returns from all). Counts only; the timings are for
 * docs/performance.md, never asserted.
 */
class ClusterSwarmSmokeTest {
  private static final int MINIONS = 30;
  private static final int MASTERS = 3;

  @TempDir Path dir;

  @Test
  void thirtyMinionsOnThreeMasters_throughStormPingsRotationAndKillOfTheActive() throws Exception {
    PostgresServer.Database database = PostgresServer.shared().newDatabase();
    List<MasterChild> masters = new ArrayList<>();
    List<String> minionAddresses = new ArrayList<>();
    List<String> apis = new ArrayList<>();
    List<String> pidFiles = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        int port = MasterChild.freePort();
        String api = "http://127.0.0.1:" + MasterChild.freePort();
        Path home = Files.createDirectories(dir.resolve("m" + i));
        Path config = home.resolve("master.yaml");
        Files.writeString(
            config,
            MasterChild.swarmConfig(
                home,
                port,
                api,
                "  storage:",
                "    type: postgresql",
                "    connection_url: \"" + database.connectionUrl() + "\"",
                "    ha_enabled: \"true\""));
        MasterChild master = MasterChild.start(config, api);
        masters.add(master);
        minionAddresses.add("127.0.0.1:" + port);
        apis.add(api);
        pidFiles.add(master.pidFile().toString());
      }
      String token = masters.get(0).initAndUnseal();
      for (MasterChild standby : masters.subList(1, MASTERS)) {
        standby.unseal(masters.get(0).unsealKey());
      }
      // Every master writes the cluster's one master key to its own folder once it has it.
      Path masterPub = dir.resolve("m0/pki/master/master.pub");
      MasterChild.awaitFile(masterPub);
      SwarmOptions options =
          SwarmOptions.parse(
              new String[] {
                "--master", String.join(",", minionAddresses),
                "--api", String.join(",", apis),
                "--token", token,
                "--minions", Integer.toString(MINIONS),
                "--keys", dir.resolve("keys").toString(),
                "--pings", "2",
                "--loops", "2",
                "--master-pub", masterPub.toString(),
                "--master-alive-interval", "3",
                "--rotation",
                "--kill-active", String.join(",", pidFiles)
              });

      Swarm.Result result = new Swarm(options).run();
      System.out.print(SwarmReport.table(options, result));

      String logs = logs(masters);
      assertThat(result.authenticated()).as(logs).isEqualTo(MINIONS);
      assertThat(result.pingsComplete()).as(logs).isEqualTo(2);
      // Every minion opened each of the two pings at least (re-deliveries may add copies).
      assertThat(result.publicationsOpened()).isGreaterThanOrEqualTo(2L * MINIONS);

      RotationPhase.Result rotation = result.rotation();
      assertThat(rotation.epochsMoved()).as(logs).isEqualTo(MINIONS - 1);
      assertThat(rotation.jobExpected()).isEqualTo(MINIONS - 1);
      assertThat(rotation.lost()).as(logs).isZero();

      KillActivePhase.Result killed = result.killActive();
      assertThat(killed.minions()).isEqualTo(MINIONS - 1);
      // Minion i starts at master i mod 3, but a standby that has not loaded the cluster's keys
      // yet answers SEALED and the minion moves on, so how many were on the active varies.
      assertThat(killed.moved()).as(logs).isPositive();
      assertThat(killed.newActiveSeconds()).as(logs).isNotNull();
      assertThat(killed.sessionsSeconds()).as(logs).isNotNull();
      assertThat(killed.jobsSeconds()).as(logs).isNotNull();
      assertThat(killed.inFlightReturned()).as(logs).isEqualTo(killed.inFlightExpected());
      assertThat(result.complete(options)).isTrue();
      assertThat(SwarmReport.json(options, result).path("kill_active").has("jobs_seconds"))
          .isTrue();
    } finally {
      masters.forEach(MasterChild::close);
    }
  }

  private static String logs(List<MasterChild> masters) throws Exception {
    StringBuilder all = new StringBuilder();
    for (MasterChild m : masters) {
      all.append("--- ").append(m.log()).append('\n').append(Files.readString(m.log()));
    }
    return all.toString();
  }
}
