package io.brine.bench.attack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's check that the fleet is served through the attacks: {@code test.ping} to every real
 * minion through the operator API once a second, as {@code brine run} sends it, each waited for
 * until every minion has returned {@code true} or the job's timeout has passed. Every ping must
 * come back; the slowest is reported, never asserted.
 */
final class PingChecker {
  private static final int JOB_TIMEOUT_SECONDS = 30;
  private static final long INTERVAL_NANOS = 1_000_000_000L;
  private static final int FAILURES_KEPT = 5;

  /** What the checker saw. */
  record Result(long sent, long answered, double slowestSeconds, List<String> failures) {}

  private final SoakApi api;
  private final List<String> minions;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final List<String> failures = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;
  private double slowest;

  PingChecker(SoakApi api, List<String> minions) {
    this.api = api;
    this.minions = List.copyOf(minions);
    this.thread = new Thread(this::run, "soak-ping-checker");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Stops after the ping in flight has been answered or has failed. */
  Result stop() throws InterruptedException {
    stopping = true;
    thread.join((JOB_TIMEOUT_SECONDS + 10) * 1000L);
    synchronized (failures) {
      return new Result(sent.get(), answered.get(), slowest, List.copyOf(failures));
    }
  }

  private void run() {
    long next = System.nanoTime();
    while (!stopping) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
        continue;
      }
      next = System.nanoTime() + INTERVAL_NANOS;
      sent.incrementAndGet();
      long start = System.nanoTime();
      String failure;
      try {
        failure = ping();
      } catch (Exception e) {
        failure = "the API call failed: " + e;
      }
      if (failure == null) {
        answered.incrementAndGet();
        slowest = Math.max(slowest, (System.nanoTime() - start) / 1e9);
      } else {
        synchronized (failures) {
          if (failures.size() < FAILURES_KEPT) {
            failures.add("ping " + sent.get() + ": " + failure);
          }
        }
      }
    }
  }

  /** Null when every minion returned true in time; else what went wrong. */
  private String ping() throws Exception {
    String jid = api.publish(minions, "test.ping", JOB_TIMEOUT_SECONDS);
    long deadline = System.nanoTime() + JOB_TIMEOUT_SECONDS * 1_000_000_000L;
    JsonNode returns = null;
    while (System.nanoTime() < deadline) {
      SoakApi.Reply job = api.get("/v1/brine/jobs?jid=" + jid);
      if (job.status() != 200) {
        return "reading job " + jid + " answered " + job.status();
      }
      returns = job.body().path("returns");
      if (returns.size() >= minions.size()) {
        for (String id : minions) {
          if (!returns.path(id).path("return").asBoolean(false)) {
            return id + " returned " + returns.path(id);
          }
        }
        return null;
      }
      Thread.sleep(50);
    }
    return "job " + jid + ": " + (returns == null ? 0 : returns.size()) + " of " + minions.size()
        + " returned within " + JOB_TIMEOUT_SECONDS + " s";
  }
}
