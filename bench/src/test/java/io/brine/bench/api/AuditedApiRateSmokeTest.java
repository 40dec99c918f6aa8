package io.brine.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audited-rate benchmark, short, so that it cannot rot: a real {@code brine master} (a child
 * JVM on this test's class path), one round of a second each way, through the same classes
 * bench/api-audit.sh runs. It checks that numbers come out and that the audited run was recorded,
 * never how fast anything was.
 */
class AuditedApiRateSmokeTest {
  @TempDir Path dir;

  @Test
  void oneRound_bothRunsAnswer200_andTheAuditedOneIsRecorded() throws Exception {
    AuditedApiRate.Options options =
        AuditedApiRate.Options.parse(
            new String[] {
              "--work", dir.toString(),
              "--brine-class-path", System.getProperty("java.class.path"),
              "--rounds", "1",
              "--seconds", "1",
              "--clients", "4",
              "--warmup", "0"
            });

    RateReport report = new AuditedApiRate(options).run();
    String table = report.table();
    System.out.print(table);

    assertThat(report.errors()).as(table).isZero();
    assertThat(report.rounds()).hasSize(1);
    RateReport.Round round = report.rounds().get(0);
    assertThat(round.unaudited().requests()).as(table).isPositive();
    assertThat(round.audited().requests()).as(table).isPositive();
    // Two entries (request, response) for every answered request, plus checkpoints.
    assertThat(round.auditLines()).as(table).isGreaterThanOrEqualTo(2 * round.audited().requests());
    assertThat(report.fsyncsPerSecond()).isPositive();
    assertThat(report.ratio()).isPositive();
    assertThat(table).contains("median").contains("goal 0.80");
    assertThat(Files.readString(dir.resolve("audit/round-1.log")))
        .contains("sys/key-status")
        .contains("auth/token/lookup-self");
  }
}
