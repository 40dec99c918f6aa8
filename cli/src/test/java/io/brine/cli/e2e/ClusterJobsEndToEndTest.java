package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
import static io.brine.cli.testing.ClusterProbe.awaitActive;
import static io.brine.cli.testing.ClusterProbe.health;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.vault.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
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
    List<MasterProcess> masters = new ArrayList<>();
    List<MinionProcess> minions = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        masters.add(
            MasterProcess.start(
                Files.createDirectories(dir.resolve("m" + i)),
                "  storage:\n"
                    + "    type: postgresql\n"
                    + "    connection_url: \"" + database.connectionUrl() + "\"\n"
                    + "    ha_enabled: \"true\"\n"
                    // Back at the top level: the re-authentication wave after a rotation.
                    + "reauth_window: 3\n"));
      }
      JsonNode init = masters.get(0).initJson();
      String share = init.get("keys").get(0).asText();
      String token = init.get("root_token").asText();
      for (MasterProcess m : masters) {
        m.unseal(share);
      }
      MasterProcess active = awaitActive(masters, Duration.ofSeconds(30));
      MasterProcess standby = masters.get(masters.get(0) == active ? 1 : 0);
      await(Duration.ofSeconds(30), "the standby names the leader",
          () -> health(standby) == 429);

      for (int i = 0; i < 3; i++) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          order.add(masters.get((i + k) % 3).minionPort());
        }
        minions.add(
            MinionProcess.startWithMasters(
                dir.resolve("minion-" + IDS.get(i)), IDS.get(i), order,
                "master_alive_interval: 4\n"));
      }

      // salt-key through a standby: the 307 is followed to the active master, and the one shared
      // set lists every minion, whichever master it presented its key to.
      Cli viaStandby = new Cli().env("BRINE_ADDR", standby.address()).env("BRINE_TOKEN", token);
      await(Duration.ofSeconds(60), "every key is pending in the shared set",
          () -> {
            Result listed = viaStandby.run("key", "-L", "--out", "json");
            return listed.exitCode() == 0
                && IDS.stream().allMatch(id -> listed.out().contains("\"" + id + "\""));
          });
      Result accepted = viaStandby.run("key", "-A", "-y");
      assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
      for (MinionProcess m : minions) {
        await(Duration.ofSeconds(60), "the minion authenticated",
            () -> m.count("authenticated to master") >= 1);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(minions.get(i).log())
            .as("each minion is on its first master")
            .contains("authenticated to master 127.0.0.1:" + masters.get(i).minionPort());
      }

      // A job through the standby: published by the active, queued to the others, a return
      // stored by each master; what it says is never in the database in clear.
      String marker = "cluster-marker-" + System.nanoTime();
      JsonNode first = awaitAllReturn(viaStandby, "test.echo", marker, Duration.ofSeconds(30));
      IDS.forEach(id -> assertThat(first.path(id).asText()).as(id).isEqualTo(marker));
      assertThat(databaseHolds(database, marker)).as("a return in clear in PostgreSQL").isFalse();

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
          awaitAllReturn(viaStandby, "test.echo", marker, Duration.ofSeconds(30));
      IDS.forEach(id -> assertThat(rotatedReturns.path(id).asText()).as(id).isEqualTo(marker));

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
      List<MasterProcess> alive = new ArrayList<>(masters);
      alive.remove(active);
      MasterProcess next = awaitActive(alive, TTL.plus(Duration.ofSeconds(20)));
      Cli viaNext = new Cli().env("BRINE_ADDR", next.address()).env("BRINE_TOKEN", token);
      JsonNode after = awaitAllReturn(viaNext, "test.echo", marker, Duration.ofSeconds(60));
      IDS.forEach(id -> assertThat(after.path(id).asText()).as(id).isEqualTo(marker));
      assertThat(minions.get(killedIndex).log()).contains("trying master");
      await(Duration.ofSeconds(60), "every return of the job published before the kill",
          () -> {
            Result shown = viaNext.run("jobs", "show", jid, "--out", "json");
            try {
              return shown.exitCode() == 0 && JSON.readTree(shown.out()).size() == IDS.size();
            } catch (IOException e) {
              return false;
            }
          });
      Result listedAfter = viaNext.run("key", "-L");
      assertThat(listedAfter.exitCode()).as(listedAfter.toString()).isZero();
      assertThat(listedAfter.out()).contains("Accepted Keys:\nweb1\nweb2\nweb3\n");
    } finally {
      minions.forEach(MinionProcess::close);
      masters.forEach(MasterProcess::close);
    }
  }

  /** Runs {@code fun arg} on every minion until all three return (a failover may be under way). */
  private static JsonNode awaitAllReturn(Cli cli, String fun, String arg, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Result last = null;
    while (System.nanoTime() < deadline) {
      last = cli.run("run", "*", fun, arg, "--out", "json", "--timeout", "5");
      if (last.exitCode() == 0) {
        JsonNode out = JSON.readTree(last.out());
        if (out.size() == IDS.size()) {
          return out;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("within " + within + " not every minion returned: " + last);
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
