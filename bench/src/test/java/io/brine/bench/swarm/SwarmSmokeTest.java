package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm, small, so the harness cannot rot: 50 minions with the master's key pinned against a
 * real {@code brine master} child process, through every phase: the auth storm with the master's
 * CPU and heap read from outside, the pings, a rotation, and a kill -9 and restart of the master.
 * Counts only; the timings are for docs/performance.md, never asserted.
 */
class SwarmSmokeTest {
  private static final int MINIONS = 50;

  @TempDir Path dir;

  @Test
  void fiftyPinnedMinions_throughStormPingsRotationAndRestart() throws Exception {
    int port = MasterChild.freePort();
    String api = "http://127.0.0.1:" + MasterChild.freePort();
    Path config = dir.resolve("master.yaml");
    Path files = Files.createDirectories(dir.resolve("files"));
    Path out = dir.resolve("state-out");
    // The state phase for real: each minion renders this and writes its own two files.
    Files.writeString(
        files.resolve("smoke.sls"),
        "{% for i in range(2) %}\nsmoke-{{ i }}:\n  file.managed:\n"
            + "    - name: " + out + "/{{ grains['id'] }}/f{{ i }}\n"
            + "    - contents: '{{ grains['id'] }} {{ i }}'\n    - makedirs: True\n"
            + "{% endfor %}\n");
    Files.writeString(
        config,
        "file_roots:\n  base:\n    - " + files + "\n"
            + MasterChild.swarmConfig(dir, port, api, "  storage_dir: " + dir.resolve("vault")));
    try (MasterChild master = MasterChild.start(config, api)) {
      String token = master.initAndUnseal();
      Path masterPub = dir.resolve("pki/master/master.pub");
      MasterChild.awaitFile(masterPub);
      SwarmOptions options =
          SwarmOptions.parse(
              new String[] {
                "--master",
                "127.0.0.1:" + port,
                "--api",
                api,
                "--token",
                token,
                "--minions",
                Integer.toString(MINIONS),
                "--keys",
                dir.resolve("keys").toString(),
                "--pings",
                "3",
                "--loops",
                "2",
                "--master-pub",
                masterPub.toString(),
                "--master-pid-file",
                master.pidFile().toString(),
                "--reconnect",
                "--rotation",
                "--warmup",
                "10",
                "--state",
                "smoke",
                "--state-runs",
                "2"
              });

      Swarm.Result result = new Swarm(options, master::killAndRestart).run();
      // In the test's output file, for whoever reads a failure or wonders what 50 minions cost.
      System.out.print(SwarmReport.table(options, result));

      String log = Files.readString(master.log());
      assertThat(result.authenticated()).as(log).isEqualTo(MINIONS);
      assertThat(result.keysMade()).isEqualTo(MINIONS);
      assertThat(result.pinned()).isTrue();
      // The warm-up ran against its own master and left the real pins alone (checked next).
      assertThat(result.swarmWarmupSeconds()).isPositive();
      assertThat(SwarmKeys.pkiDir(options.keys(), 7).resolve("minion/minion_master.pub"))
          .hasSameBinaryContentAs(masterPub);
      assertThat(result.sealStatusInStorm().count()).isPositive();
      assertThat(result.master().rsaOp().bits()).isEqualTo(2048);
      assertThat(result.master().stormCpuSeconds()).isPositive();
      assertThat(result.master().heapPerIdleMinionKiB()).isPositive();
      assertThat(result.master().rssIdleBytes()).isPositive();
      assertThat(result.pingsComplete()).isEqualTo(3);
      assertThat(result.masterCpuPerPingSeconds()).isPositive();

      ReconnectPhase reconnect = result.reconnect();
      assertThat(reconnect.minions()).isEqualTo(MINIONS);
      assertThat(reconnect.back()).as(log).isEqualTo(MINIONS);
      assertThat(reconnect.masterCpuSeconds()).isPositive();

      RotationPhase.Result rotation = result.rotation();
      assertThat(rotation.minions()).isEqualTo(MINIONS - 1);
      assertThat(rotation.epochsMoved()).as(log).isEqualTo(MINIONS - 1);
      assertThat(rotation.allMovedSeconds()).isNotNull();
      assertThat(rotation.jobExpected()).isEqualTo(MINIONS - 1);
      assertThat(rotation.lost()).as(log).isZero();
      assertThat(rotation.sealStatus().count()).isPositive();

      StatePhase.Result state = result.state();
      assertThat(state.seconds()).as(log).hasSize(2);
      assertThat(state.failedReturns()).as(state.firstFailure()).containsExactly(0, 0);
      assertThat(Files.readString(out.resolve("swarm-00007/f1"))).isEqualTo("swarm-00007 1\n");
      try (var minionDirs = Files.list(out)) {
        assertThat(minionDirs.count()).isEqualTo(MINIONS);
      }

      RestartPhase.Result restart = result.restart();
      assertThat(restart.minions()).isEqualTo(MINIONS - 1);
      assertThat(restart.back()).as(log).isEqualTo(MINIONS - 1);
      assertThat(restart.allBackSeconds()).isNotNull();

      assertThat(result.complete(options)).isTrue();
      assertThat(SwarmReport.table(options, result))
          .contains("figure 1", "figure 5", "lost 0", "p99", "warm master")
          .doesNotContain("not measured");
      assertThat(SwarmReport.json(options, result).path("ping_seconds").size()).isEqualTo(3);
      assertThat(SwarmReport.json(options, result).path("restart").path("back").asInt())
          .isEqualTo(MINIONS - 1);
    }
  }
}
