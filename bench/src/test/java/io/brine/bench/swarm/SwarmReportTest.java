package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SwarmReportTest {
  private static final SwarmOptions PLAIN =
      SwarmOptions.parse(
          new String[] {
            "--master",
            "127.0.0.1:4506",
            "--api",
            "http://127.0.0.1:8200",
            "--token",
            "t",
            "--minions",
            "3",
            "--pings",
            "1"
          });

  @Test
  void phasesNotAskedFor_sayNotMeasured_andAreAbsentFromTheJson() {
    Swarm.Result result =
        new Swarm.Result(
            3,
            0,
            false,
            null,
            1.5,
            0.9,
            3,
            Latencies.of(List.of(0.002, 0.004), 0),
            null,
            List.of(0.25),
            1,
            null,
            null,
            null,
            null,
            null,
            java.util.Map.of(), 3, 0, null);

    assertThat(SwarmReport.table(PLAIN, result))
        .contains(
            "no --master-pid-file",
            "no --reconnect",
            "no --rotation",
            "no --restart-command")
        .doesNotContain("figure 1:", "figure 5:", "kill -9");
    assertThat(SwarmReport.json(PLAIN, result).has("figure1_handshake_cpu_in_rsa_private_ops"))
        .isFalse();
    assertThat(SwarmReport.json(PLAIN, result).has("rotation")).isFalse();
    assertThat(SwarmReport.json(PLAIN, result).has("reconnect")).isFalse();
    assertThat(result.complete(PLAIN)).isTrue();
  }

  @Test
  void aMinionNotBackAfterTheReconnect_makesTheRunIncomplete() {
    ReconnectPhase reconnect = new ReconnectPhase(3, 2, 4.0, 8.0, 0.6);
    Swarm.Result result =
        new Swarm.Result(
            3, 0, true, null, 1.5, 0.9, 3, Latencies.of(List.of(), 0), null, List.of(0.25), 1, null,
            reconnect, null, null, null, java.util.Map.of(), 3, 0, null);

    assertThat(SwarmReport.table(PLAIN, result))
        .contains(
            "2 of 3 in 4.00 s",
            "master CPU per handshake, warm   ",
            "200.00 ms (0.6 s in all)");
    assertThat(SwarmReport.json(PLAIN, result).path("reconnect").path("swarm_cpu_seconds").asDouble())
        .isEqualTo(0.6);
    assertThat(SwarmReport.json(PLAIN, result).path("reconnect").path("back").asInt())
        .isEqualTo(2);
    assertThat(result.complete(PLAIN)).isFalse();
  }

  @Test
  void aJobLostInTheRotation_makesTheRunIncomplete() {
    RotationPhase.Result rotation =
        new RotationPhase.Result(2, 2, 1.0, 2, 1, Latencies.of(List.of(), 0));
    Swarm.Result result =
        new Swarm.Result(
            3, 0, true, null, 1.5, 0.9, 3, Latencies.of(List.of(), 0), null, List.of(0.25), 1, null,
            null, rotation, null, null, java.util.Map.of(), 3, 0, null);

    assertThat(SwarmReport.table(PLAIN, result)).contains("1 of 2 returned, lost 1");
    assertThat(result.complete(PLAIN)).isFalse();
  }

  private static final SwarmOptions WITH_STATE =
      SwarmOptions.parse(
          new String[] {
            "--master", "127.0.0.1:4506", "--api", "http://127.0.0.1:8200", "--token", "t",
            "--minions", "3", "--pings", "1", "--state", "bench100", "--state-runs", "2"
          });

  @Test
  void aFailedStateReturn_isShown_andMakesTheRunIncomplete() {
    StatePhase.Result state =
        new StatePhase.Result(
            "bench100", List.of(4.0, 2.5), List.of(1.2, 0.8), List.of(0, 1), "swarm-00001: {...}");
    Swarm.Result result =
        new Swarm.Result(
            3, 0, true, null, 1.5, 0.9, 3, Latencies.of(List.of(), 0), null, List.of(0.25), 1, null,
            null, null, null, null, java.util.Map.of(), 3, 0, state);

    assertThat(SwarmReport.table(WITH_STATE, result))
        .contains(
            "state.apply bench100 to all, run 1 (cold)",
            "4.00 s, master CPU 1.20 s, 0 failed",
            "2.50 s, master CPU 0.80 s, 1 failed",
            "swarm-00001: {...}");
    assertThat(SwarmReport.json(WITH_STATE, result).path("state_apply").path("failed_returns"))
        .hasSize(2);
    assertThat(result.complete(WITH_STATE)).isFalse();
    assertThat(
            new Swarm.Result(
                    3, 0, true, null, 1.5, 0.9, 3, Latencies.of(List.of(), 0), null,
                    List.of(0.25), 1, null, null, null, null, null, java.util.Map.of(), 3, 0,
                    new StatePhase.Result(
                        "bench100", List.of(4.0, 2.5), List.of(), List.of(0, 0), null))
                .complete(WITH_STATE))
        .isTrue();
  }

  private static final SwarmOptions CLUSTER =
      SwarmOptions.parse(
          new String[] {
            "--master",
            "127.0.0.1:4506,127.0.0.1:4507,[::1]:4508",
            "--api",
            "http://127.0.0.1:8200,http://127.0.0.1:8201,http://127.0.0.1:8202",
            "--token",
            "t",
            "--minions",
            "6",
            "--master-alive-interval",
            "3",
            "--kill-active",
            "/run/m1.pid,/run/m2.pid,/run/m3.pid"
          });

  @Test
  void clusterOptions_keepTheMastersAndApisInOrder() {
    assertThat(CLUSTER.masters())
        .extracting(Object::toString)
        .containsExactly("127.0.0.1:4506", "127.0.0.1:4507", "[::1]:4508");
    assertThat(CLUSTER.apis()).hasSize(3);
    assertThat(CLUSTER.api()).isEqualTo("http://127.0.0.1:8200");
    assertThat(CLUSTER.masterAliveInterval()).hasSeconds(3);
    assertThat(CLUSTER.killActivePidFiles()).hasSize(3);
  }

  @Test
  void killActive_needsOnePidFilePerApi_andSeveralMasters() {
    assertThatThrownBy(
            () ->
                SwarmOptions.parse(
                    new String[] {
                      "--master", "127.0.0.1:4506,127.0.0.1:4507",
                      "--api", "http://127.0.0.1:8200,http://127.0.0.1:8201",
                      "--token", "t",
                      "--minions", "2",
                      "--kill-active", "/run/m1.pid"
                    }))
        .hasMessageStartingWith("--kill-active needs one pid file per --api URL");
    assertThatThrownBy(
            () ->
                SwarmOptions.parse(
                    new String[] {
                      "--master", "127.0.0.1:4506",
                      "--api", "http://127.0.0.1:8200",
                      "--token", "t",
                      "--minions", "2",
                      "--kill-active", "/run/m1.pid"
                    }))
        .hasMessageContaining("at least two masters");
    assertThatThrownBy(
            () ->
                SwarmOptions.parse(
                    new String[] {
                      "--master", "127.0.0.1:4506,not a host",
                      "--api", "http://127.0.0.1:8200",
                      "--token", "t",
                      "--minions", "2"
                    }))
        .hasMessageStartingWith("--master not a host is not a host name");
  }

  @Test
  void aKillWhoseJobNeverRan_makesTheRunIncomplete_andSaysSo() {
    KillActivePhase.Result killed = new KillActivePhase.Result(6, 2, 14.5, 17.0, null, 3, 6, 5);
    Swarm.Result result =
        new Swarm.Result(
            6, 0, true, null, 1.5, 0.9, 6, Latencies.of(List.of(), 0), null, List.of(0.25), 1, null,
            null, null, null, killed,
            new java.util.TreeMap<>(java.util.Map.of("127.0.0.1:4506", 2, "127.0.0.1:4507", 4)), 40, 2, null);

    assertThat(SwarmReport.table(CLUSTER, result))
        .contains(
            "3 (failover lists)",
            "{127.0.0.1:4506=2, 127.0.0.1:4507=4}",
            "2 of 6",
            "14.50 s",
            "17.00 s",
            "not within the limit (3 published)",
            "5 of 6 returned",
            "40 / 2");
    assertThat(SwarmReport.json(CLUSTER, result).path("kill_active").has("jobs_seconds")).isFalse();
    assertThat(SwarmReport.json(CLUSTER, result).path("kill_active").path("moved").asInt())
        .isEqualTo(2);
    assertThat(result.complete(CLUSTER)).isFalse();
  }
}
