package io.brine.bench.swarm;

import java.util.List;

/**
 * A set of timed requests: how many answered, how many failed, and the answered ones' p50, p99 and
 * maximum, in seconds.
 */
record Latencies(int count, int failed, double p50, double p99, double max) {
  static Latencies of(List<Double> seconds, int failed) {
    return new Latencies(
        seconds.size(),
        failed,
        percentile(seconds, 50),
        percentile(seconds, 99),
        percentile(seconds, 100));
  }

  /** Nearest rank; NaN for no samples. */
  static double percentile(List<Double> seconds, double p) {
    if (seconds.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
