package io.brine.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict and options: each cause of a FAIL is one, and a clean run is PASS. */
class AttackSoakReportTest {
  private static final long MIB = 1024 * 1024;

  private static SoakOptions options() {
    return SoakOptions.parse(new String[] {"--work", "/tmp/x", "--brine-jar", "/tmp/brine.jar"});
  }

  private static Outcomes clean() {
    Outcomes o = new Outcomes("replayer");
    o.attempt();
    o.count("closed unanswered");
    return o;
  }

  private static SoakReport report(
      Outcomes outcomes, long answered, long stack, long rssEnd, long pending, long lost) {
    return new SoakReport(
        options(),
        120,
        List.of(outcomes),
        new PingChecker.Result(100, answered, 0.5, List.of()),
        new ProcStatus(200 * MIB, 40),
        new ProcStatus(rssEnd, 44),
        rssEnd,
        1000,
        stack,
        0,
        lost,
        pending,
        500,
        true);
  }

  @Test
  void aCleanRun_passes() {
    SoakReport r = report(clean(), 100, 0, 260 * MIB, 500, 0);
    assertThat(r.failures()).isEmpty();
    assertThat(r.table()).contains("replayer", "closed unanswered 1", "PASS").doesNotContain("FAIL");
  }

  @Test
  void eachCause_fails_withItsLine() {
    Outcomes defect = clean();
    defect.count(Outcomes.HELD_PAST_DEADLINE);
    assertThat(report(defect, 100, 0, 260 * MIB, 0, 0).failures())
        .containsExactly("replayer: 1 outcomes are defects (see the table)");
    assertThat(report(clean(), 99, 0, 260 * MIB, 0, 0).failures())
        .containsExactly("1 of 100 pings not answered");
    assertThat(report(clean(), 100, 3, 260 * MIB, 0, 0).failures())
        .containsExactly("3 stack-trace lines in the master's log");
    assertThat(report(clean(), 100, 0, 501 * MIB, 0, 0).failures())
        .containsExactly("the master's RSS grew 301 MiB (bound 300 MiB)");
    assertThat(report(clean(), 100, 0, 260 * MIB, 501, 0).failures())
        .containsExactly("501 keys in minions_pre, more than the 500 allowed");
    assertThat(report(clean(), 100, 0, 260 * MIB, 0, 2).failures())
        .containsExactly("a minion logged 'lost the connection' 2 times");
    assertThat(report(clean(), 100, 0, 260 * MIB, 0, 2).table()).contains("FAIL");
  }

  @Test
  void options_rates_andTheirErrors() {
    SoakOptions o =
        SoakOptions.parse(
            new String[] {
              "--work", "/tmp/x", "--brine-jar", "/tmp/b.jar", "--rate", "fuzz=2.5", "--rate",
              "idle=0", "--timeouts", "3"
            });
    assertThat(o.rate("fuzz")).isEqualTo(2.5);
    assertThat(o.rate("idle")).isZero();
    assertThat(o.rate("impostor")).isEqualTo(10);
    assertThat(o.seconds()).isEqualTo(300);
    assertThat(o.timeouts().hello().toSeconds()).isEqualTo(3);
    assertThat(options().timeouts()).isEqualTo(SoakTarget.Timeouts.DEFAULTS);
    assertThatThrownBy(
            () ->
                SoakOptions.parse(
                    new String[] {"--work", "/x", "--brine-jar", "/b", "--rate", "nuke=1"}))
        .hasMessageStartingWith("--rate takes ATTACK=PER_SECOND, ATTACK one of [impostor,");
    assertThatThrownBy(
            () -> SoakOptions.parse(new String[] {"--work", "/x", "--brine-jar", "/b", "--seconds", "x"}))
        .hasMessageStartingWith("--seconds takes a number, not 'x'");
    assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--work", "/x"}))
        .hasMessageStartingWith("--work and --brine-jar are required");
  }
}
