package io.brine.bench.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code state.apply SLS} to every swarm minion through the operator API, {@code runs} times in a
 * row: from the publish call to the last return, the master's CPU over each run, and how many
 * minions returned a failure (a retcode other than 0: a state failed, or the SLS did not render).
 * The first run is the cold one (the minions' renderer and state code not yet compiled by the JIT);
 * later runs find the files already in the desired state, as a second highstate does.
 */
final class StatePhase {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  /**
   * @param seconds each run's wall time, publish to last return; a run past the limit ends the
   *     phase and is not in the list
   * @param masterCpuSeconds the master's CPU over each run, or empty without its pid file
   * @param failedReturns per run, the returns whose retcode was not 0
   * @param firstFailure one failed return's text, for the operator to look at; null when none
   */
  record Result(
      String sls,
      List<Double> seconds,
      List<Double> masterCpuSeconds,
      List<Integer> failedReturns,
      String firstFailure) {}

  private StatePhase() {}

  static Result run(OperatorApi api, MasterProcessStats master, String sls, int runs)
      throws IOException, InterruptedException {
    List<Double> seconds = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    List<Integer> failed = new ArrayList<>();
    String firstFailure = null;
    for (int run = 0; run < runs; run++) {
      double cpuBefore = master == null ? 0 : master.cpuSeconds();
      long start = System.nanoTime();
      OperatorApi.Job job = api.publish("state.apply", sls, LIMIT.toSeconds());
      long deadline = start + LIMIT.toNanos();
      boolean complete = false;
      while (System.nanoTime() < deadline) {
        if (api.returned(job.jid()) >= job.expected()) {
          complete = true;
          break;
        }
        Thread.sleep(Long.getLong("swarm.pollMillis", 20));
      }
      if (!complete) {
        System.err.println("swarm: state.apply " + sls + " did not return from every minion");
        break;
      }
      seconds.add((System.nanoTime() - start) / 1e9);
      if (master != null) {
        cpu.add(master.cpuSeconds() - cpuBefore);
      }
      int failures = 0;
      Iterator<Map.Entry<String, JsonNode>> returns = api.job(job.jid()).path("returns").fields();
      while (returns.hasNext()) {
        Map.Entry<String, JsonNode> r = returns.next();
        if (r.getValue().path("retcode").asInt() != 0) {
          failures++;
          if (firstFailure == null) {
            firstFailure = r.getKey() + ": " + abbreviate(r.getValue().path("return").toString());
          }
        }
      }
      failed.add(failures);
    }
    return new Result(sls, seconds, cpu, failed, firstFailure);
  }

  private static String abbreviate(String text) {
    return text.length() <= 400 ? text : text.substring(0, 400) + "...";
  }
}
