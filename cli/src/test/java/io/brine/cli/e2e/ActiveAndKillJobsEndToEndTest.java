package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: {@code brine jobs active} (Salt's {@code salt-run jobs.active}) and {@code brine jobs
 * kill JID} against a real master and two real minions running a real command: active shows the
 * job on both, kill stops it on both (its processes die), and the job's returns say it was killed.
 */
class ActiveAndKillJobsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static String token;
  private static final Map<String, MinionProcess> minions = new TreeMap<>();

  @BeforeAll
  static void masterAndMinions() throws Exception {
    Path config = Files.createDirectories(dir.resolve("master")).resolve("master.yaml");
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\n"
            + "cachedir: " + dir.resolve("master/cache") + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault") + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    for (String id : List.of("web1", "web2")) {
      minions.put(id, MinionProcess.start(dir.resolve("minion-" + id), id, master.minionPort()));
    }
    for (MinionProcess m : minions.values()) {
      Await.until(() -> m.count("authenticated to master") >= 1, master, m, "authenticated");
    }
  }

  @AfterAll
  static void stop() {
    minions.values().forEach(MinionProcess::close);
    master.close();
  }

  private Cli cli() {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token);
  }

  @Test
  void active_showsARunningJobOnItsMinions_killStopsItThere() throws Exception {
    Path pids = dir.resolve("pids");
    Result started =
        cli()
            .run(
                "run", "--async", "web*", "cmd.run", "sleep 60 & echo $! >> " + pids + "; wait");
    String jid = jid(started);
    MinionProcess web1 = minions.get("web1");
    Await.until(() -> lines(pids).size() == 2, master, web1, "both minions run the command");

    Result text = cli().run("jobs", "active");
    Result json = cli().run("jobs", "active", "--out", "json");
    Result web2Only = cli().run("jobs", "active", "-L", "web2", "--out", "json");

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).containsPattern(jid + "\\s+cmd\\.run\\s+glob:web\\*\\s+web1, web2");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonNode job = JSON.readTree(json.out()).path(jid);
    assertThat(job.path("Function").asText()).isEqualTo("cmd.run");
    assertThat(job.path("Target").asText()).isEqualTo("web*");
    assertThat(job.path("Target-type").asText()).isEqualTo("glob");
    assertThat(job.path("StartTime").asText()).matches("\\d{4}, [A-Z][a-z]{2} \\d\\d [0-9:.]+");
    assertThat(job.path("Running").findValuesAsText("web1")).hasSize(1);
    assertThat(job.path("Running").findValuesAsText("web2")).hasSize(1);
    assertThat(job.path("Returned").size()).isZero();
    assertThat(JSON.readTree(web2Only.out()).path(jid).path("Running").toString())
        .contains("web2")
        .doesNotContain("web1");

    Result kill = cli().run("jobs", "kill", jid);

    assertThat(kill.exitCode()).as(kill.toString()).isZero();
    assertThat(kill.out())
        .contains("web1: killed (Signal 9 sent to job " + jid)
        .contains("web2: killed (Signal 9 sent to job " + jid);
    for (String pid : lines(pids)) {
      long child = Long.parseLong(pid.strip());
      Await.until(
          () -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true)
              || zombie(child),
          master,
          web1,
          "the job's command " + child + " is killed");
    }
    Result show = cli().run("jobs", "show", jid, "--out", "json");
    JsonNode returns = JSON.readTree(show.out());
    assertThat(returns.path("web1").asText())
        .isEqualTo("cmd.run was stopped by saltutil.kill_job (SIGKILL)");
    assertThat(returns.path("web2").asText())
        .isEqualTo("cmd.run was stopped by saltutil.kill_job (SIGKILL)");

    Result none = cli().run("jobs", "active");
    assertThat(none.out()).isEqualTo("No jobs are running on the 2 minions that answered.\n");
    Result again = cli().run("jobs", "kill", jid);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("has returned on every minion it targeted: nothing to kill");
    Result onTarget = cli().run("jobs", "kill", jid, "-L", "web1");
    assertThat(onTarget.out()).isEqualTo("web1: not running job " + jid + "\n");
  }

  @Test
  void kill_ofAJobTheCacheDoesNotHold_saysHowToNameTheMinions() {
    Result r = cli().run("jobs", "kill", "20200101000000000000");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "Error: no job 20200101000000000000 in the master's job cache; name the minions to"
                + " stop it on (brine jobs kill 20200101000000000000 TARGET)"
                + System.lineSeparator());
    Result bad = cli().run("jobs", "kill", "nope");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).startsWith("Error: JID must be 20 digits, not 'nope'");
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList()
          : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String jid(Result async) {
    Matcher m = Pattern.compile("job ID: (\\d{20})").matcher(async.out());
    assertThat(m.find()).as(async.toString()).isTrue();
    return m.group(1);
  }
}
