package io.brine.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak, short, so that it cannot rot: a real {@code brine master} and minion (child JVMs on
 * this test's class path), every attack for 6 s against 2 s stranger timeouts, through the same
 * classes bench/attack-soak.sh runs. Counts only: what each attack met, never how fast.
 */
class AttackSoakSmokeTest {
  private static final int PENDING_CAP = 30;

  @TempDir Path dir;

  @Test
  void everyAttackAtOnce_theMinionAnswersEveryPing_andTheVerdictIsPass() throws Exception {
    SoakOptions options =
        SoakOptions.parse(
            new String[] {
              "--work", dir.toString(),
              "--brine-class-path", System.getProperty("java.class.path"),
              "--seconds", "6",
              "--timeouts", "2",
              "--master-keysize", "2048",
              "--max-pending-keys", Integer.toString(PENDING_CAP),
              // Lower than the soak's defaults: the test shares two cores with the build.
              "--rate", "impostor=4",
              "--rate", "replayer=4",
              "--rate", "fuzz=10",
              "--rate", "idle=10",
              "--rate", "fresh=10",
              "--rate", "tokens=10",
              "--rate", "slowloris=3",
              "--seed", "14"
            });

    SoakReport report = new AttackSoak(options).run();
    String table = report.table();
    // In the test's output, for whoever reads a failure.
    System.out.print(table);

    assertThat(report.failures()).as(table).isEmpty();
    assertThat(table).contains("PASS");
    assertThat(report.pings().sent()).as(table).isGreaterThanOrEqualTo(3);
    for (Outcomes o : report.attacks()) {
      assertThat(o.attempts()).as(o.attack() + " ran\n" + table).isPositive();
    }
    assertThat(count(report, "impostor", "WELCOME, forged CONFIRM: closed at once")).isPositive();
    assertThat(count(report, "impostor", "WELCOME, silent: closed at confirm_timeout")).isPositive();
    assertThat(count(report, "replayer", "closed unanswered")).as(table).isPositive();
    assertThat(count(report, "idle stranger", "closed at hello_timeout")).as(table).isPositive();
    assertThat(count(report, "trickled frame", "PENDING, then closed at partial_frame_timeout"))
        .as(table)
        .isPositive();
    assertThat(count(report, "API slowloris", "closed at http_read_header_timeout"))
        .as(table)
        .isPositive();
    assertThat(count(report, "wrong tokens", "answered 403")).as(table).isPositive();
    // 60 fresh ids against a cap of 30: the cap is met, and holds.
    assertThat(count(report, "fresh ids", "PENDING, not recorded: max_pending_keys"))
        .as(table)
        .isPositive();
    assertThat(report.pendingKeys()).as(table).isEqualTo(PENDING_CAP);
    assertThat(report.start().threads()).isPositive();
    assertThat(report.end().rssBytes()).isPositive();
  }

  private static long count(SoakReport report, String attack, String outcome) {
    return report.attacks().stream()
        .filter(o -> o.attack().equals(attack))
        .mapToLong(o -> o.snapshot().getOrDefault(outcome, 0L))
        .sum();
  }
}
