package io.brine.bench.swarm;

import static org.assertj.core.api.Assertions.assertThat;

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
            null);

    assertThat(SwarmReport.table(PLAIN, result))
        .contains(
            "no --master-pid-file", "no --reconnect", "no --rotation", "no --restart-command")
        .doesNotContain("figure 1:", "figure 5:");
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
            reconnect, null, null);

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
            null, rotation, null);

    assertThat(SwarmReport.table(PLAIN, result)).contains("1 of 2 returned, lost 1");
    assertThat(result.complete(PLAIN)).isFalse();
  }
}
