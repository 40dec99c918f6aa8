package io.brine.minion.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.minion.functions.PillarSource;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This minion's pillar, from the master's {@code pillar} call (docs/protocol.md §5), held in
 * memory only: it may carry secrets from the master's vault, so it is never written to the
 * minion's disk and never logged. Fetched when first asked for and again on each refresh ({@code
 * state.apply}, {@code saltutil.refresh_pillar}); a fetch that fails leaves the pillar held before
 * in place for the functions that do not ask for a fresh one.
 */
final class MasterPillar implements PillarSource {
  /** A master compiling a pillar with many vault reads may take a while; not forever. */
  static final long CALL_TIMEOUT_SECONDS = 60;

  private final MasterCalls calls;
  private volatile Map<String, Object> held;

  MasterPillar(MasterCalls calls) {
    this.calls = calls;
  }

  @Override
  public Map<String, Object> get(boolean refresh) throws IOException, InterruptedException {
    Map<String, Object> current = held;
    if (current != null && !refresh) {
      return current;
    }
    Map<String, Object> fresh = fetch();
    held = fresh;
    return fresh;
  }

  /** The pillar held, or null when none has been fetched yet; never asks the master. */
  Map<String, Object> held() {
    return held;
  }

  /**
   * Asks the master for the pillar without waiting, for the event loop (a pillar target's check
   * on a minion that holds none yet); the answer replaces the one held.
   */
  CompletableFuture<Map<String, Object>> fetchAsync() {
    return calls
        .call(SessionCall.PILLAR, JobJson.MAPPER.createObjectNode())
        .orTimeout(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .thenApply(
            reply -> {
              try {
                Map<String, Object> fresh = parse(reply);
                held = fresh;
                return fresh;
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  private Map<String, Object> fetch() throws IOException, InterruptedException {
    try {
      return fetchAsync().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      if (cause instanceof TimeoutException) {
        throw new IOException(
            "pillar is unavailable: the master did not answer in " + CALL_TIMEOUT_SECONDS + " s");
      }
      throw cause instanceof IOException io
          ? io
          : new IOException("pillar is unavailable: " + cause.getMessage(), cause);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(SessionReply reply) throws IOException {
    if (!reply.isOk()) {
      String error = reply.error();
      throw new IOException(error.startsWith("pillar") ? error : "pillar is unavailable: " + error);
    }
    JsonNode pillar = reply.body().get("pillar");
    if (pillar == null || !pillar.isObject()) {
      throw new IOException("pillar is unavailable: the master's answer has no pillar object");
    }
    Map<String, Object> map = JobJson.MAPPER.convertValue(pillar, LinkedHashMap.class);
    return Collections.unmodifiableMap(map);
  }
}
