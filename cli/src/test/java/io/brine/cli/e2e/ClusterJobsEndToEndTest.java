package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
import static io.brine.cli.testing.MasterCluster.awaitAllReturn;
import static io.brine.cli.testing.MasterCluster.jobReturns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterCluster;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.vault.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code brine master} processes on one real PostgreSQL and three real minions, each
 * listing all three masters (Salt's failover form) starting at a different one, so each master
 * holds one minion. The keys are one shared set: {@code brine key} through a standby (it follows
 * the 307) lists and accepts them on the active master; a job published on the active master
 * reaches the minions of every master through the job queue, and every master stores its
 * minion's return in the one job cache. Then kill -9 of the active master: its minion moves to
 * another master, a standby takes over, and the same job returns from all three again.
 */
class ClusterJobsEndToEndTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> IDS = List.of("web1", "web2", "web3");
  private static final Duration TTL = Duration.ofSeconds(15);

  @Test
  void keysAndJobsAreShared_andAJobReturnsFromEveryMinion_beforeAndAfterTheActiveDies()
      throws Exception {
    PostgresServer.Database database = PostgresServer.shared().newDatabase();
    // reauth_window: the re-authentication wave after a rotation, short for the test.
    try (MasterCluster cluster = MasterCluster.start(dir, database, 3, "reauth_window: 3\n")) {
      List<MasterProcess> masters = cluster.masters();
      MasterProcess active = cluster.awaitActive(Duration.ofSeconds(30));
      MasterProcess standby = cluster.standby(active);

      // salt-key through a standby: the 307 is followed to the active master, and the one shared
      // set lists every minion, whichever master it presented its key to.
      cluster.startAcceptedMinions(IDS, "master_alive_interval: 4\n", standby);
      List<MinionProcess> minions = cluster.minions();
      Cli viaStandby = cluster.cli(standby);

      // A job through the standby: published by the active, queued to the others, a return
      // stored by each master; what it says is never in the database in clear.
      String marker = "cluster-marker-" + System.nanoTime();
      JsonNode first =
          awaitAllReturn(viaStandby, IDS, "test.echo", marker, Duration.ofSeconds(30));
      IDS.forEach(id -> assertThat(first.path(id).asText()).as(id).isEqualTo(marker));
      assertThat(databaseHolds(database, marker)).as("a return in clear in PostgreSQL").isFalse();

      // A grain target through the standby: each minion's grains were kept by the master it is
      // on (sealed rows of the one table) and the active resolves the target on all of them.
      await(Duration.ofSeconds(30), "a compound grain target reaches the minions of every master",
          () -> {
            Result r =
                viaStandby.run("run", "-C", "G@id:web* and G@kernel:Linux", "test.ping",
                    "--out", "json", "--static", "--timeout", "5");
            try {
              return r.exitCode() == 0 && JSON.readTree(r.out()).size() == IDS.size();
            } catch (java.io.IOException e) {
              return false;
            }
          });
      assertThat(grainsHold(database, "Linux")).as("grains in clear in PostgreSQL").isFalse();

      // A publish-key rotation on demand, through a standby: the active makes the key, every
      // master takes it, every minion re-authenticates on the new epoch, and jobs still run.
      Result rotated = viaStandby.run("key", "--rotate", "--out", "json");
      assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
      int epoch = JSON.readTree(rotated.out()).get("epoch").asInt();
      for (MinionProcess m : minions) {
        await(Duration.ofSeconds(30), "every minion on the new epoch",
            () -> m.log().contains("(epoch " + epoch + ")"));
      }
      JsonNode rotatedReturns =
          awaitAllReturn(viaStandby, IDS, "test.echo", marker, Duration.ofSeconds(30));
      IDS.forEach(id -> assertThat(rotatedReturns.path(id).asText()).as(id).isEqualTo(marker));

      // A key deleted, and a job published at once: the active rotates as it records the delete
      // and seals the job under the new key; each standby learns of the delete and of the new key
      // in either order and must seal the job under the new key, never drop it. Minion i is on
      // master i, so at least one of web1 and web2 is on a standby.
      Result deleted = viaStandby.run("key", "-d", "web3", "-y");
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      Result justAfter =
          viaStandby.run(
              "run", "web[12]", "test.echo", marker, "--out", "json", "--static", "--timeout", "20");
      assertThat(justAfter.exitCode()).as(justAfter.toString()).isZero();
      JsonNode afterDelete = JSON.readTree(justAfter.out());
      assertThat(afterDelete.path("web1").asText()).as(justAfter.toString()).isEqualTo(marker);
      assertThat(afterDelete.path("web2").asText()).as(justAfter.toString()).isEqualTo(marker);
      await(Duration.ofSeconds(60), "web3's key pending again",
          () -> viaStandby.run("key", "-L", "--out", "json").out().contains("\"web3\""));
      Result reaccepted = viaStandby.run("key", "-a", "web3", "-y");
      assertThat(reaccepted.exitCode()).as(reaccepted.toString()).isZero();
      awaitAllReturn(viaStandby, IDS, "test.echo", marker, Duration.ofSeconds(60));

      // A job published just before kill -9 of the active master: each minion got it (the
      // killed master's own minion directly, the others through the queue) and keeps its return
      // until a master acknowledges it, so every return reaches the shared cache.
      Result started = viaStandby.run("run", "*", "test.sleep", "3", "--async");
      Matcher jidMatch = Pattern.compile("job ID: (\\d{20})").matcher(started.out());
      assertThat(jidMatch.find()).as(started.toString()).isTrue();
      String jid = jidMatch.group(1);
      for (MinionProcess m : minions) {
        await(Duration.ofSeconds(20), "the sleep started on every minion",
            () -> m.count("job " + jid + ": running") >= 1);
      }

      // kill -9 of the active master: a standby takes over once the lock's TTL has passed, the
      // killed master's minion moves on, and the same job returns from all three.
      int killedIndex = masters.indexOf(active);
      active.kill();
      MasterProcess next = cluster.awaitActive(TTL.plus(Duration.ofSeconds(20)));
      Cli viaNext = cluster.cli(next);
      JsonNode after = awaitAllReturn(viaNext, IDS, "test.echo", marker, Duration.ofSeconds(60));
      IDS.forEach(id -> assertThat(after.path(id).asText()).as(id).isEqualTo(marker));
      assertThat(minions.get(killedIndex).log()).contains("trying master");
      await(Duration.ofSeconds(60), "every return of the job published before the kill",
          () -> {
            JsonNode shown = jobReturns(viaNext, jid);
            return shown != null && shown.size() == IDS.size();
          });
      Result listedAfter = viaNext.run("key", "-L");
      assertThat(listedAfter.exitCode()).as(listedAfter.toString()).isZero();
      assertThat(listedAfter.out()).contains("Accepted Keys:\nweb1\nweb2\nweb3\n");
    }
  }

  /** True when any row of the grains table holds {@code text} in clear. */
  private static boolean grainsHold(PostgresServer.Database database, String text)
      throws Exception {
    String hex = HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), sum(CASE WHEN encode(grains, 'hex') LIKE '%" + hex
                    + "%' THEN 1 ELSE 0 END) FROM brine_minion_grains")) {
      r.next();
      assertThat(r.getInt(1)).as("a grains row per minion").isEqualTo(IDS.size());
      return r.getInt(2) > 0;
    }
  }

  /** True when any cell of brine's job tables holds {@code text} in clear. */
  private static boolean databaseHolds(PostgresServer.Database database, String text)
      throws Exception {
    String hex = HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM ("
                    + " SELECT encode(job, 'hex') AS v FROM brine_jobs"
                    + " UNION ALL SELECT encode(ret, 'hex') FROM brine_job_returns"
                    + " UNION ALL SELECT encode(payload, 'hex') FROM brine_job_queue) t"
                    + " WHERE v LIKE '%" + hex + "%'")) {
      r.next();
      return r.getInt(1) > 0;
    }
  }

}
