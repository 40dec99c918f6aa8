package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.operator.OperatorClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Follows a published job through the API until every targeted minion that was connected has
 * returned or the timeout has passed, printing returns as they arrive and, on a terminal, a
 * progress line on stderr.
 */
final class JobWatch {
  /** How often the job is read; a return waits at most this long to be printed. */
  private static final long POLL_MILLIS = 200;

  /** A minion's return may land a moment after its function's own timeout. */
  private static final long GRACE_MILLIS = 3_000;

  private final OperatorClient api;
  private final String jid;
  private final Returns returns;
  private final PrintWriter err;
  private final boolean progress;

  JobWatch(OperatorClient api, String jid, Returns returns, PrintWriter err, boolean progress) {
    this.api = api;
    this.jid = jid;
    this.returns = returns;
    this.err = err;
    this.progress = progress;
  }

  /**
   * @param job the job as the master described it: {@code minions} and {@code missing}
   * @return {@link JobExitCodes#OK}, or {@link JobExitCodes#FAILED} when a minion failed or did
   *     not return
   */
  int follow(JsonNode job, int timeoutSeconds) {
    Set<String> waiting = ids(job.path("minions"));
    List<String> missing = new ArrayList<>(ids(job.path("missing")));
    int targeted = waiting.size() + missing.size();
    boolean failed = !missing.isEmpty();
    long deadline = System.nanoTime() + (timeoutSeconds * 1000L + GRACE_MILLIS) * 1_000_000L;
    int returned = 0;
    String path = "/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8);
    while (!waiting.isEmpty()) {
      // The count costs the master a folder listing; the whole view only when there is news.
      if (api.get(path + "&count=true").path("returned").asInt() <= returned
          && System.nanoTime() <= deadline) {
        showProgress(returned, targeted);
        sleep();
        continue;
      }
      JsonNode view = api.get(path);
      JsonNode all = view.path("returns");
      for (String id : List.copyOf(waiting)) {
        JsonNode ret = all.get(id);
        if (ret != null) {
          waiting.remove(id);
          returned++;
          clearProgress();
          returns.add(id, ret);
          failed |= !ret.path("success").asBoolean() || ret.path("retcode").asInt() != 0;
        }
      }
      if (waiting.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      showProgress(returned, targeted);
      sleep();
    }
    clearProgress();
    missing.addAll(0, waiting);
    returns.missing(missing);
    returns.finish();
    if (!missing.isEmpty()) {
      err.println(
          "Minions that did not return ("
              + missing.size()
              + " of "
              + targeted
              + "): "
              + String.join(", ", missing)
              + " (job "
              + jid
              + ")");
      err.flush();
    }
    return failed || !waiting.isEmpty() ? JobExitCodes.FAILED : JobExitCodes.OK;
  }

  private void showProgress(int returned, int targeted) {
    if (progress) {
      err.print("\r" + returned + "/" + targeted + " returned");
      err.flush();
    }
  }

  private void clearProgress() {
    if (progress) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private static Set<String> ids(JsonNode array) {
    Set<String> ids = new LinkedHashSet<>();
    array.forEach(id -> ids.add(id.asText()));
    return ids;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.brine.cli.CliException("interrupted while waiting for returns");
    }
  }
}
