package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import io.brine.cli.testing.RecordingProxy;
import io.brine.common.files.DurableFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 part 2 end to end, as the attack was run: a real master and a real minion process, a
 * man in the middle on loopback recording the master's PUBLISH frames, and a recorded {@code
 * cmd.run} frame injected byte for byte after the minion restarted. It does not run again, and the
 * minion says so in one line. Then the minion's memory is wiped (its cachedir deleted) and the same
 * frame, still inside publish_max_age, runs a second time: the master refuses that second return
 * and logs it, the defence behind the minion's.
 */
class ReplayedPublicationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUNNING = Pattern.compile("job ([0-9]{20}): running cmd.run");

  @TempDir Path dir;

  @Test
  void aRecordedCmdRunInjectedAfterARestart_doesNotRun_andASecondReturnIsRefused()
      throws Exception {
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    Path minionDir = dir.resolve("minion");
    Path ran = dir.resolve("ran.txt");
    try (MasterProcess master = MasterProcess.startWithConfig(config);
        RecordingProxy proxy = new RecordingProxy(master.minionPort())) {
      JsonNode init = master.initJson();
      master.unseal(init.get("keys").get(0).asText());
      Cli cli =
          new Cli()
              .env("BRINE_ADDR", master.address())
              .env("BRINE_TOKEN", init.get("root_token").asText());
      MinionProcess minion = MinionProcess.start(minionDir, "web1", proxy.port());
      try {
        Await.until(() -> minion.count("authenticated to master") >= 1, master, minion, "auth");
        // The output differs per run, so a second run's return differs from the first.
        Cli.Result first =
            cli.run("run", "web1", "cmd.run", "echo ran >> " + ran + "; date +%N", "--out", "json");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(proxy.publications()).hasSize(1);
        byte[] recorded = proxy.publications().get(0);
        Matcher running = RUNNING.matcher(minion.log());
        assertThat(running.find()).as(minion.log()).isTrue();
        String jid = running.group(1);

        // 1. The minion restarts with its cachedir; the recorded frame comes again.
        minion.close();
        MinionProcess restarted = MinionProcess.start(minionDir, "web1", proxy.port());
        try {
          Await.until(
              () -> restarted.count("authenticated to master") >= 1, master, restarted, "auth");
          proxy.inject(recorded);
          proxy.inject(recorded);
          Await.until(
              () -> restarted.count("refused job " + jid) >= 1, master, restarted, "refused");
          assertThat(Files.readAllLines(ran)).as("the job ran once").hasSize(1);
          assertThat(restarted.count("refused job " + jid + ": it has already run here"))
              .isEqualTo(1);
          assertThat(restarted.log()).doesNotContain("echo ran");
        } finally {
          restarted.close();
        }

        // 2. Its memory lost (the cachedir deleted), the frame runs once more; the master keeps
        //    the first return and refuses the second, with one line.
        DurableFiles.deleteTree(minionDir.resolve("cache"));
        MinionProcess forgetful = MinionProcess.start(minionDir, "web1", proxy.port());
        try {
          Await.until(
              () -> forgetful.count("authenticated to master") >= 1, master, forgetful, "auth");
          proxy.inject(recorded);
          Await.until(
              () -> master.log().contains("job " + jid + ": minion web1 sent a second"),
              master,
              forgetful,
              "the master refused the second return");
          assertThat(Files.readAllLines(ran)).as("no memory: it ran again").hasSize(2);
          assertThat(master.log().lines().filter(l -> l.contains("sent a second"))).hasSize(1);
          Cli.Result job = cli.run("jobs", "show", jid, "--out", "json");
          assertThat(job.exitCode()).as(job.toString()).isZero();
          assertThat(JSON.readTree(job.out())).as("the first return is the one kept")
              .isEqualTo(JSON.readTree(first.out()));
          Await.until(
              () -> forgetful.count("the master refused the return of job " + jid) == 1,
              master,
              forgetful,
              "the minion was told");
        } finally {
          forgetful.close();
        }
      } finally {
        minion.close();
      }
    }
  }
}
