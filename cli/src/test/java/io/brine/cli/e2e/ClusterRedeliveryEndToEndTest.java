package io.brine.cli.e2e;

import static io.brine.cli.testing.ClusterProbe.await;
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
 * Two real {@code brine master} processes on one real PostgreSQL and two real minions, one on each.
 * The standby is stopped (SIGSTOP) so that it hands on nothing, a job goes out, and then the
 * standby is killed (kill -9): its minion was on a master that could not give it the job, and
 * moves to the active one, which hands it the job on its new session. Every return arrives, and
 * the job ran once on each minion.
 */
class ClusterRedeliveryEndToEndTest {
  @TempDir Path dir;

  private static final List<String> IDS = List.of("web1", "web2");

  @Test
  void aJobPublishedWhileAMinionsMasterIsDying_reachesItOnTheNextMaster_andEveryReturnArrives()
      throws Exception {
    PostgresServer.Database database = PostgresServer.shared().newDatabase();
    try (MasterCluster cluster = MasterCluster.start(dir, database, 2, "")) {
      List<MasterProcess> masters = cluster.masters();
      MasterProcess active = cluster.awaitActive(Duration.ofSeconds(30));
      MasterProcess standby = cluster.standby(active);
      // A long alive interval: the minion on the stopped master notices only its kill.
      cluster.startAcceptedMinions(IDS, "master_alive_interval: 60\n", active);
      MinionProcess stranded = cluster.minions().get(masters.indexOf(standby));
      MinionProcess onActive = cluster.minions().get(masters.indexOf(active));
      Cli cli = cluster.cli(active);

      standby.signal("STOP");
      Result started = cli.run("run", "*", "test.echo", "handed-again", "--async");
      assertThat(started.exitCode()).as(started.toString()).isZero();
      Matcher jidMatch = Pattern.compile("job ID: (\\d{20})").matcher(started.out());
      assertThat(jidMatch.find()).as(started.toString()).isTrue();
      String jid = jidMatch.group(1);
      await(Duration.ofSeconds(20), "the minion on the active master ran it",
          () -> onActive.count("job " + jid + ": running") == 1);
      // Its master is stopped: nothing can have reached it.
      assertThat(stranded.count("job " + jid)).isZero();

      standby.kill();
      await(Duration.ofSeconds(60), "every return of the job",
          () -> {
            JsonNode shown = jobReturns(cli, jid);
            return shown != null && shown.size() == IDS.size();
          });
      assertThat(stranded.log()).contains("trying master");
      assertThat(stranded.count("job " + jid + ": running")).as("ran once").isEqualTo(1);
      assertThat(onActive.count("job " + jid + ": running")).as("ran once").isEqualTo(1);
      String strandedId = IDS.get(masters.indexOf(standby));
      assertThat(active.log())
          .contains(
              "recent jobs handed again to a reconnecting minion (" + strandedId + ": " + jid + ")");
    }
  }
}
