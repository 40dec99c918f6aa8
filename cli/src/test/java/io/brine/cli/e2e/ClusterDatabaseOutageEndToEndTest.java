package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
import static io.brine.cli.testing.MasterCluster.awaitAllReturn;
import static io.brine.cli.testing.MasterCluster.jobReturns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterCluster;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.vault.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL drill with three real masters and three real minions on a PostgreSQL of the
 * test's own: the server is stopped while a job runs and stays down past the HA lock's TTL, then
 * started again. Meanwhile the masters keep their minions (no minion loses its session), refuse
 * what needs the database with one clear line, and hold the returns that arrive; once it is back
 * one master is active again and nothing acknowledged is lost: the job that ran through the
 * outage has every return, the key set is whole, and new jobs run on every minion. A minion that
 * starts during the outage is answered SEALED by every master (none can read the minion keys), goes
 * round the list, and is recorded and authenticated once the database is back.
 */
class ClusterDatabaseOutageEndToEndTest {
  @TempDir Path dir;

  private static final List<String> IDS = List.of("db1", "db2", "db3");

  /** Longer than the lock's 15 s TTL, so the active master loses the lock while it is down. */
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  @Test
  void postgresqlRestartedMidRun_losesNothing_andTheMastersKeepTheirMinions() throws Exception {
    try (PostgresServer server = PostgresServer.start();
        MasterCluster cluster = MasterCluster.start(dir, server.newDatabase(), 3, "")) {
      MasterProcess active = cluster.awaitActive(Duration.ofSeconds(30));
      cluster.startAcceptedMinions(IDS, "master_alive_interval: 4\n", active);
      Cli viaActive = cluster.cli(active);
      String marker = "outage-" + System.nanoTime();
      awaitAllReturn(viaActive, IDS, "test.echo", marker, Duration.ofSeconds(30));

      // A job that returns while the database is down: the four-second sleep ends well inside
      // the outage.
      Result started = viaActive.run("run", "*", "test.sleep", "4", "--async");
      Matcher jidMatch = Pattern.compile("job ID: (\\d{20})").matcher(started.out());
      assertThat(jidMatch.find()).as(started.toString()).isTrue();
      String jid = jidMatch.group(1);
      for (MinionProcess m : cluster.minions()) {
        await(Duration.ofSeconds(20), "the sleep started on every minion",
            () -> m.count("job " + jid + ": running") >= 1);
      }
      long[] lostBefore =
          cluster.minions().stream().mapToLong(m -> m.count("lost the connection")).toArray();

      server.stop();
      long downSince = System.nanoTime();
      // What needs the database is refused with one line, and no stack trace on the terminal.
      Result refused = viaActive.run("run", "*", "test.echo", marker, "--timeout", "5");
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.err().strip()).as(refused.toString()).isNotEmpty().doesNotContain("\n");
      assertThat(refused.err())
          .contains("PostgreSQL storage unreachable")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      // A minion that comes during the outage: every master answers its HELLO SEALED, none closes.
      MinionProcess late =
          MinionProcess.startWithMasters(
              dir.resolve("minion-late1"),
              "late1",
              cluster.masters().stream().map(MasterProcess::minionPort).toList(),
              "master_alive_interval: 4\n");
      cluster.minions().add(late); // closed with the others; the checks below go by index
      try {
        // The first HELLO to each master may wait out its pool (5 s, past late1's 4 s alive
        // interval): the next round is answered at once.
        await(Duration.ofSeconds(60), "late1 was answered SEALED by every master",
            () -> cluster.masters().stream()
                .allMatch(m -> late.log().contains("master 127.0.0.1:" + m.minionPort() + " is sealed")));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; late1's log:\n" + late.log(), e);
      }
      long left = OUTAGE.toNanos() - (System.nanoTime() - downSince);
      if (left > 0) {
        Thread.sleep(left / 1_000_000);
      }
      assertThat(active.log())
          .as("the active master lost the lock by its own clock while the database was down")
          .contains("this master stepped down (it lost the HA lock)");
      server.restart();

      MasterProcess next = cluster.awaitActive(Duration.ofSeconds(60));
      Cli viaNext = cluster.cli(next);
      await(Duration.ofSeconds(60), "every return of the job that ran through the outage",
          () -> {
            JsonNode shown = jobReturns(viaNext, jid);
            return shown != null && shown.size() == IDS.size();
          });
      JsonNode after = awaitAllReturn(viaNext, IDS, "test.echo", marker, Duration.ofSeconds(60));
      IDS.forEach(id -> assertThat(after.path(id).asText()).as(id).isEqualTo(marker));
      Result listed = viaNext.run("key", "-L");
      assertThat(listed.exitCode()).as(listed.toString()).isZero();
      assertThat(listed.out()).contains("Accepted Keys:\ndb1\ndb2\ndb3\n");
      for (int i = 0; i < IDS.size(); i++) {
        assertThat(cluster.minions().get(i).count("lost the connection"))
            .as("%s kept its session through the outage", IDS.get(i))
            .isEqualTo(lostBefore[i]);
      }
      for (MasterProcess m : cluster.masters()) {
        assertThat(m.isAlive()).as("every master outlived the outage").isTrue();
      }
      assertThat(cluster.masters())
          .as("a master logged the SEALED answers to late1 (throttled), none a failed handshake")
          .anyMatch(m -> m.log().contains("minion keys unavailable, HELLO answered SEALED: late1 "))
          .noneMatch(m -> m.log().contains("handshake failed"));

      // Once the database is back the same minion's key is recorded, and it is welcomed.
      await(Duration.ofSeconds(60), "late1 pending in the shared set",
          () -> viaNext.run("key", "-L", "--out", "json").out().contains("\"late1\""));
      Result acceptedLate = viaNext.run("key", "-a", "late1", "-y");
      assertThat(acceptedLate.exitCode()).as(acceptedLate.toString()).isZero();
      await(Duration.ofSeconds(60), "late1 authenticated after the outage",
          () -> late.log().contains("authenticated to master"));
    }
  }
}
