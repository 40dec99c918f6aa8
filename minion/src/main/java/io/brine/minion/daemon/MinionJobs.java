package io.brine.minion.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogText;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.jobs.JobCall;
import io.brine.minion.jobs.JobResult;
import io.brine.minion.jobs.JobRunner;
import io.brine.minion.jobs.JobTarget;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.SessionCall;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion's jobs: a verified publication is parsed, checked against this minion's id and
 * grains (the master targets it, and the minion checks again), run by the {@link JobRunner} off the event loop
 * (which refuses, with one line, a publication too old, from the future or already run: the replay
 * defence of docs/protocol.md §5.1), and its result returned to the master under the session. A
 * return whose connection is lost before the master acknowledged it goes again in the next
 * session; the master acknowledges that same return again without storing it twice (§5.2).
 */
final class MinionJobs {
  private static final Logger log = LoggerFactory.getLogger(MinionJobs.class);

  private final MinionId id;
  private final Grains grains;
  private final JobRunner runner;
  private final MasterCalls calls;
  private final MasterPillar pillar;

  MinionJobs(MinionId id, Grains grains, JobRunner runner, MasterCalls calls) {
    this(id, grains, runner, calls, null);
  }

  /**
   * @param pillar the pillar held for pillar targets (I@), or null for a minion that checks none
   */
  MinionJobs(
      MinionId id, Grains grains, JobRunner runner, MasterCalls calls, MasterPillar pillar) {
    this.id = id;
    this.grains = grains;
    this.runner = runner;
    this.calls = calls;
    this.pillar = pillar;
  }

  /** A publication that verified and decrypted. Runs on the event loop; returns at once. */
  void published(byte[] payload) {
    JobPublication job;
    try {
      job = JobPublication.parse(payload);
    } catch (ProtocolException e) {
      log.warn(
          "dropped a publication that is not a well-formed job: {}", LogText.escape(e.getMessage()));
      return;
    }
    if (job.target().needsPillar() && pillar != null && pillar.held() == null) {
      // A pillar target on a minion that holds no pillar yet (it just started): the master
      // matched it on the pillar it compiled last; this minion fetches its own before it checks.
      pillar.fetchAsync().whenComplete((p, failure) -> checked(job));
      return;
    }
    checked(job);
  }

  private void checked(JobPublication job) {
    // The grains and pillar are worked out only for a target that needs them.
    if (!job.target().matches(
        id, () -> grains.items(id), () -> pillar == null ? null : pillar.held())) {
      log.warn("dropped job {}: its target {} does not match this minion", job.jid(), job.target());
      return;
    }
    JobCall call =
        new JobCall(
            job.jid(),
            job.published(),
            job.fun(),
            JobJson.MAPPER.convertValue(job.args(), new TypeReference<List<Object>>() {}),
            JobJson.MAPPER.convertValue(job.kwargs(), new TypeReference<Map<String, Object>>() {}),
            job.timeout());
    Optional<CompletableFuture<JobResult>> running =
        runner.submit(
            call, new JobTarget(job.target().expression(), job.target().type().wireName()));
    if (running.isEmpty()) {
      return; // refused; the runner said why
    }
    log.info("job {}: running {}", job.jid(), job.fun());
    running.get().thenAccept(this::send);
  }

  private void send(JobResult result) {
    calls
        .call(SessionCall.RETURN, body(result))
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                log.debug(
                    "return of job {} not acknowledged ({}); it goes again in the next session",
                    result.jid(),
                    failure.getMessage());
                send(result);
              } else if (!reply.isOk()) {
                log.warn(
                    "the master refused the return of job {}: {}",
                    result.jid(),
                    LogText.escape(reply.error()));
              } else {
                log.debug("job {}: returned (retcode {})", result.jid(), result.retcode());
              }
            });
  }

  private static ObjectNode body(JobResult result) {
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    body.put("jid", result.jid());
    body.put("fun", result.fun());
    body.set("return", JobJson.MAPPER.valueToTree(result.ret()));
    body.put("retcode", result.retcode());
    body.put("success", result.success());
    return body;
  }
}
