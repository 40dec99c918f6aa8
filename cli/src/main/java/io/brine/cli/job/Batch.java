package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.OperatorClient;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code brine run -b N}: Salt's batch mode, on the client as Salt's is. The target is resolved
 * once (the API's dry run, under the same policy as publishing), then at most N minions run the
 * job at a time: the first N get it together, and each return lets the next one start ({@code
 * --batch-wait} seconds after it). Each start is a job of its own to a list of minions; a thread
 * per running job follows it through the long poll. A failing minion stops nothing unless {@code
 * --failhard}: then no minion more starts, and those running are waited for.
 */
final class Batch {
  /** A minion is done: it returned ({@code ret}), or did not ({@code ret} null). */
  private record Done(String id, JsonNode ret) {}

  private final OperatorClient api;
  private final Map<String, Object> body;
  private final BatchSize size;
  private final long waitNanos;
  private final boolean failhard;
  private final int timeout;
  private final JobOutput printed;
  private final BlockingQueue<Done> done = new LinkedBlockingQueue<>();

  Batch(
      OperatorClient api,
      Map<String, Object> body,
      BatchSize size,
      double waitSeconds,
      boolean failhard,
      int timeout,
      JobOutput printed) {
    this.api = api;
    this.body = body;
    this.size = size;
    this.waitNanos = (long) (waitSeconds * 1e9);
    this.failhard = failhard;
    this.timeout = timeout;
    this.printed = printed;
  }

  int run(PrintWriter err) {
    Map<String, Object> dryRun = new LinkedHashMap<>(body);
    dryRun.put("dry_run", true);
    JsonNode resolved;
    try {
      resolved = api.put("/v1/brine/jobs", dryRun);
    } catch (OperatorClient.ApiError e) {
      if (RunCommand.noMatch(e)) {
        return RunCommand.noMatch(err, e);
      }
      throw e;
    }
    Deque<String> waiting = new ArrayDeque<>(JobWatch.ids(resolved.path("minions")));
    Set<String> notConnected = new LinkedHashSet<>(JobWatch.ids(resolved.path("missing")));
    int targeted = waiting.size() + notConnected.size();
    int slots = size.of(waiting.size());
    // When each slot may take its next minion (System.nanoTime): all at once to begin with.
    PriorityQueue<Long> opens = new PriorityQueue<>();
    long start = System.nanoTime();
    for (int i = 0; i < slots; i++) {
      opens.add(start);
    }
    List<String> late = new ArrayList<>();
    int running = 0;
    boolean stopped = false;
    while (true) {
      long now = System.nanoTime();
      List<String> next = new ArrayList<>();
      while (!stopped && !waiting.isEmpty() && !opens.isEmpty() && opens.peek() - now <= 0) {
        opens.poll();
        next.add(waiting.poll());
      }
      if (!next.isEmpty()) {
        running += next.size() - start(next, notConnected, err);
      }
      if (running == 0 && (stopped || waiting.isEmpty())) {
        break;
      }
      Done one = take(running == 0 || stopped || waiting.isEmpty() || opens.isEmpty()
          ? Long.MAX_VALUE
          : opens.peek() - System.nanoTime());
      if (one == null) {
        continue; // a slot opens now
      }
      running--;
      opens.add(System.nanoTime() + waitNanos);
      if (one.ret() == null) {
        late.add(one.id());
      } else {
        printed.returned(one.id(), one.ret());
        if (failhard && Returns.failed(one.ret()) && !stopped) {
          stopped = true;
        }
      }
    }
    if (stopped && !waiting.isEmpty()) {
      err.println(
          "--failhard: a minion failed, so the job did not start on "
              + String.join(", ", waiting));
    }
    return printed.finish(JobOutput.ordered(late, notConnected), notConnected, null, targeted);
  }

  /**
   * Publishes the job to {@code ids} and follows it on a thread of its own.
   *
   * @return how many of them did not get it (not connected now: added to {@code notConnected})
   */
  private int start(List<String> ids, Set<String> notConnected, PrintWriter err) {
    printed.note("");
    printed.note("Executing run on " + pythonList(ids));
    printed.note("");
    Map<String, Object> job = new LinkedHashMap<>(body);
    job.put("tgt", String.join(",", ids));
    job.put("tgt_type", "list");
    JsonNode published;
    try {
      published = api.put("/v1/brine/jobs", job);
    } catch (OperatorClient.ApiError e) {
      if (!RunCommand.noMatch(e)) {
        throw e;
      }
      notConnected.addAll(ids); // their keys went away since the target was resolved
      return ids.size();
    }
    if (published == null || !published.path("jid").isTextual()) {
      throw new CliException("the master's answer has no job id");
    }
    String jid = published.path("jid").asText();
    printed.header(jid);
    Set<String> got = JobWatch.ids(published.path("minions"));
    Set<String> missed = JobWatch.ids(published.path("missing"));
    notConnected.addAll(missed);
    long deadline = JobWatch.deadline(timeout);
    Set<String> pending = Collections.synchronizedSet(new LinkedHashSet<>(got));
    Thread follower =
        new Thread(
            () -> {
              try {
                new JobWatch(api, jid)
                    .follow(got, deadline, (id, ret) -> {
                      pending.remove(id);
                      done.add(new Done(id, ret));
                    });
              } catch (RuntimeException e) {
                // The master went away mid-batch: what has not returned is reported as such.
                err.println("job " + jid + ": " + e.getMessage());
                err.flush();
              }
              synchronized (pending) {
                pending.forEach(id -> done.add(new Done(id, null)));
                pending.clear();
              }
            },
            "brine-batch-" + jid);
    follower.setDaemon(true);
    follower.start();
    return missed.size();
  }

  private Done take(long nanos) {
    try {
      return nanos == Long.MAX_VALUE
          ? done.take()
          : done.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for returns");
    }
  }

  /** Salt prints the batch's minions as a Python list: {@code ['web1', 'web2']}. */
  static String pythonList(List<String> ids) {
    return ids.stream().sorted().map(id -> "'" + id + "'").collect(Collectors.joining(", ", "[", "]"));
  }
}
