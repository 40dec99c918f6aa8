package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import io.brine.master.jobs.JobPublisher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes one of the minions' own job functions ({@code saltutil.running}, {@code
 * saltutil.kill_job}) and gathers the answers, for {@code brine jobs active} and {@code brine
 * jobs kill}: they need the answers as data, not printed as {@code brine run} prints them.
 */
final class MinionQuery {
  private static final long POLL_MILLIS = 100;

  /** A minion's answer may land a moment after the job's own timeout. */
  private static final long GRACE_MILLIS = 2_000;

  /**
   * @param answers each answering minion's return ({@code return}, {@code retcode}, {@code
   *     success}), in the order they were targeted
   * @param silent the targeted minions that did not answer (not connected, or too slow)
   */
  record Answers(String jid, Map<String, JsonNode> answers, List<String> silent) {}

  private MinionQuery() {}

  /** The answers, or empty when no accepted minion matched the target (no job was made). */
  static Optional<Answers> ask(
      OperatorClient api,
      String tgt,
      String tgtType,
      String fun,
      List<Object> args,
      int timeoutSeconds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tgt", tgt);
    body.put("tgt_type", tgtType);
    body.put("fun", fun);
    body.put("arg", args);
    body.put("kwarg", Map.of());
    body.put("timeout", timeoutSeconds);
    JsonNode published;
    try {
      published = api.put("/v1/brine/jobs", body);
    } catch (OperatorClient.ApiError e) {
      if (e.status() == 400 && e.reason().startsWith(JobPublisher.NoMinionsMatched.PREFIX)) {
        return Optional.empty();
      }
      throw e;
    }
    if (published == null || !published.path("jid").isTextual()) {
      throw new CliException("the master's answer has no job id");
    }
    String jid = published.path("jid").asText();
    Set<String> connected = ids(published.path("minions"));
    List<String> silent = new ArrayList<>(ids(published.path("missing")));
    String path = "/v1/brine/jobs?jid=" + URLEncoder.encode(jid, StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + (timeoutSeconds * 1000L + GRACE_MILLIS) * 1_000_000L;
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    while (true) {
      JsonNode returns = connected.isEmpty() ? null : api.get(path).path("returns");
      for (String id : connected) {
        JsonNode ret = returns == null ? null : returns.get(id);
        if (ret != null && !answers.containsKey(id)) {
          answers.put(id, ret);
        }
      }
      if (answers.size() == connected.size() || System.nanoTime() > deadline) {
        break;
      }
      sleep();
    }
    List<String> late = new ArrayList<>();
    for (String id : connected) {
      if (!answers.containsKey(id)) {
        late.add(id);
      }
    }
    late.addAll(silent);
    Map<String, JsonNode> ordered = new LinkedHashMap<>();
    connected.stream().filter(answers::containsKey).forEach(id -> ordered.put(id, answers.get(id)));
    return Optional.of(new Answers(jid, ordered, List.copyOf(late)));
  }

  static Set<String> ids(JsonNode array) {
    Set<String> ids = new LinkedHashSet<>();
    array.forEach(id -> ids.add(id.asText()));
    return ids;
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the minions' answers");
    }
  }
}
