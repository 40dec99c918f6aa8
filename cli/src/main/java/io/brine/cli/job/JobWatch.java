package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Follows a published job through the API's long poll ({@code GET /v1/brine/jobs?jid=J&wait=
 * ...&after=N}, which answers as soon as the job has more than the N returns seen, or at the wait's
 * end) until every targeted minion that was connected has returned or the timeout has passed,
 * handing each return over as it arrives.
 */
final class JobWatch {
  /** What receives the returns as they come. */
  interface Sink {
    void returned(String id, JsonNode ret);

    /** Called while waiting, after each answer: how many of how many have returned. */
    default void progress(int returned, int targeted) {}
  }

  /** A minion's return may land a moment after its function's own timeout. */
  static final long GRACE_MILLIS = 3_000;

  /** The longest one long poll waits; the master caps it too. */
  private static final long MAX_WAIT_MILLIS = 30_000;

  /** How long to wait before asking again when the master has no room for another waiter. */
  private static final long BUSY_MILLIS = 200;

  private final OperatorClient api;
  private final String jid;

  JobWatch(OperatorClient api, String jid) {
    this.api = api;
    this.jid = jid;
  }

  /**
   * @param minions the minions that got the job (connected when it went out)
   * @param deadlineNanos when to stop waiting ({@link System#nanoTime} base)
   * @return the minions of {@code minions} that did not return by the deadline
   */
  Set<String> follow(Set<String> minions, long deadlineNanos, Sink sink) {
    Set<String> waiting = new LinkedHashSet<>(minions);
    int seen = 0;
    String path = "/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8);
    int targeted = waiting.size();
    boolean first = true;
    while (!waiting.isEmpty()) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0 && !first) {
        break;
      }
      long wait = Math.max(0, Math.min(MAX_WAIT_MILLIS, left));
      JsonNode view;
      try {
        view = api.get(path + "&wait=" + wait + "ms&after=" + seen);
      } catch (OperatorClient.ApiError e) {
        if (e.status() != 429) {
          throw e;
        }
        sleep(BUSY_MILLIS); // the master's waiters are all taken: ask again in a moment
        continue;
      }
      first = false;
      JsonNode all = view.path("returns");
      seen = Math.max(seen, all.size());
      for (Map.Entry<String, JsonNode> entry : all.properties()) {
        if (waiting.remove(entry.getKey())) {
          sink.returned(entry.getKey(), entry.getValue());
        }
      }
      sink.progress(targeted - waiting.size(), targeted);
    }
    return waiting;
  }

  static long deadline(int timeoutSeconds) {
    return System.nanoTime() + (timeoutSeconds * 1000L + GRACE_MILLIS) * 1_000_000L;
  }

  static Set<String> ids(JsonNode array) {
    Set<String> ids = new LinkedHashSet<>();
    array.forEach(id -> ids.add(id.asText()));
    return ids;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for returns");
    }
  }
}
