package io.brine.bench.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@link AuditedApiRate} measured: per round, requests per second without and with a file
 * audit device, and the ratio of the medians, against the goal of 0.8.
 */
record RateReport(
    int clients, int seconds, double fsyncsPerSecond, double loadedFsyncsPerSecond, List<Round> rounds) {
  static final double GOAL = 0.8;

  /**
   * One round: the unaudited run and then the audited one, each {@code seconds} long.
   *
   * @param auditLines lines the device wrote in its run (two a request, plus checkpoints)
   */
  record Round(Run unaudited, Run audited, long auditLines) {
    double ratio() {
      return audited.perSecond() / unaudited.perSecond();
    }
  }

  /** @param errors answers other than 200, and failed connections */
  record Run(long requests, long errors, double elapsedSeconds) {
    double perSecond() {
      return requests / elapsedSeconds;
    }
  }

  RateReport {
    rounds = List.copyOf(rounds);
  }

  double medianUnaudited() {
    return median(rounds.stream().mapToDouble(r -> r.unaudited().perSecond()).toArray());
  }

  double medianAudited() {
    return median(rounds.stream().mapToDouble(r -> r.audited().perSecond()).toArray());
  }

  /** The audited median over the unaudited median. */
  double ratio() {
    return medianAudited() / medianUnaudited();
  }

  long errors() {
    return rounds.stream().mapToLong(r -> r.unaudited().errors() + r.audited().errors()).sum();
  }

  String table() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "operator API, %d kept-alive clients, %d s a run; fsync reference (1 KiB append + fsync, one"
                + " writer): %.0f/s idle, %.0f/s under the unaudited load",
            clients, seconds, fsyncsPerSecond, loadedFsyncsPerSecond));
    lines.add("round  unaudited req/s  audited req/s  ratio  audit lines/request  errors");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      lines.add(
          String.format(
              Locale.ROOT,
              "%5d  %15.0f  %13.0f  %5.2f  %19.2f  %6d",
              i + 1,
              r.unaudited().perSecond(),
              r.audited().perSecond(),
              r.ratio(),
              r.audited().requests() == 0 ? 0.0 : (double) r.auditLines() / r.audited().requests(),
              r.unaudited().errors() + r.audited().errors()));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "median %15.0f  %13.0f  %5.2f  (goal %.2f: %s)",
            medianUnaudited(),
            medianAudited(),
            ratio(),
            GOAL,
            ratio() >= GOAL ? "met" : "missed"));
    return String.join("\n", lines) + "\n";
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
