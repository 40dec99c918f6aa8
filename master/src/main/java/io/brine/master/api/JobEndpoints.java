package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobRequest;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.JobReturn;
import io.brine.master.jobs.JobView;
import io.brine.master.jobs.ReturnWaiters;
import io.brine.vault.token.Durations;
import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.Target;
import io.brine.vault.InvalidRequestException;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditEvent;
import io.brine.master.audit.AuditFailedException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.policy.Capability;
import io.brine.vault.VaultException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Jobs through the operator API, token-authenticated ({@code brine run}, {@code brine jobs}):
 *
 * <ul>
 *   <li>{@code PUT|POST /v1/brine/jobs} with {@code {"tgt":"web*", "tgt_type":"glob", "fun":
 *       "test.ping", "arg":[], "kwarg":{}, "timeout":60}}: publishes the job; answers {@code
 *       {"jid", "minions":[...], "missing":[...]}}, or 400 when no accepted minion matches.
 *       {@code tgt_type} is Salt's: glob, pcre, list, grain, grain_pcre, pillar, pillar_pcre,
 *       compound, nodegroup or ipcidr; {@code delimiter} (Salt's, default {@code :}) splits grain
 *       and pillar keys.
 *   <li>{@code GET /v1/brine/jobs}: the cached jobs, newest first, {@code ?limit=N} (default 100).
 *   <li>{@code GET /v1/brine/jobs?jid=J}: one job with its returns so far; 404 when unknown.
 *   <li>{@code GET /v1/brine/jobs?jid=J&count=true}: only {@code {"jid", "returned"}}, counted
 *       without reading the returns: for polling a large job.
 *   <li>{@code GET /v1/brine/jobs?jid=J&wait=30s&after=N}: a long poll: the job as above as soon as
 *       it has more than N returns, or when the wait (at most {@link ReturnWaiters#MAX_WAIT}) is
 *       over. The same route as reading the job, so the same policy check and audit; it holds no
 *       API thread while it waits, and at most {@link ReturnWaiters#maxWaiters} wait at once
 *       (beyond that 429).
 *   <li>{@code PUT /v1/brine/jobs} with {@code "dry_run": true}: the minions the target reaches
 *       ({@code {"minions", "missing"}}), checked against the policy's {@code allowed_minions}
 *       as a publication is, without recording or sending anything ({@code brine run -b}).
 * </ul>
 *
 * <p>A job's view has {@code timeout} (seconds, when known) and {@code ends_in_ms}: how long until
 * that timeout passes by the master's clock (0 once it has), so a client tells a minion still
 * running from one that did not return without comparing clocks.
 */
final class JobEndpoints {
  private static final int DEFAULT_LIST_LIMIT = 100;

  /** The policy path of publishing (create) and of the job cache (list, read). */
  static final String JOBS = "brine/jobs";

  /** A minion's return may land a moment after its function's timeout (as the CLI allows). */
  private static final Duration RETURN_GRACE = Duration.ofSeconds(3);

  private final JobPublisher publisher;
  private final JobStore cache;
  private final AuditBroker audit;
  private final ReturnWaiters waiters;

  /**
   * @param waiters the long polls; null for waiters of these endpoints' own, which poll the cache
   */
  JobEndpoints(
      JobPublisher publisher, JobStore cache, AuditBroker audit, ReturnWaiters waiters) {
    this.publisher = publisher;
    this.cache = cache;
    this.audit = audit;
    this.waiters =
        waiters != null
            ? waiters
            : new ReturnWaiters(cache, ReturnWaiters.DEFAULT_MAX_WAITERS, ReturnWaiters.CLUSTER_POLL);
  }

  void register(Routes.Builder routes) {
    routes.unsealed(
        "/v1/brine/jobs",
        Access.token().as(JOBS, Capability.CREATE).parameters(JobEndpoints::parameters),
        this::publish,
        PUT,
        POST);
    routes.unsealed(
        "/v1/brine/jobs",
        Access.token()
            .as(JOBS, r -> r.parameter("jid") == null ? Capability.LIST : Capability.READ),
        this::read,
        GET);
  }

  /**
   * What a policy's allowed/denied_parameters see of a job: {@code fun}, {@code arg} (each
   * argument's text) when there are any, and {@code kwarg} (each as {@code name=value}, the value
   * as an argument's text) when there are any: a function takes its parameters by name as well as
   * by position, so a rule on {@code arg} alone could be gone round by naming the argument. The
   * target is the business of {@code allowed_minions}, checked on the resolved minions, and the
   * rest ({@code timeout}, {@code tgt_type}) is no privilege, so a policy writes {@code
   * allowed_parameters = {"fun" = ["test.*"]}} alone.
   */
  static Map<String, List<String>> parameters(ApiRequest request)
      throws InvalidRequestException {
    JsonBody body = request.body();
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    JsonNode fun = body.node("fun");
    if (fun != null && !fun.isNull()) {
      parameters.put("fun", Access.values(fun));
    }
    JsonNode arg = body.node("arg");
    if (arg != null && !arg.isNull() && !(arg.isArray() && arg.isEmpty())) {
      parameters.put("arg", Access.values(arg));
    }
    JsonNode kwarg = body.node("kwarg");
    if (kwarg != null && kwarg.isObject() && !kwarg.isEmpty()) {
      List<String> named = new ArrayList<>();
      kwarg.properties().iterator().forEachRemaining(
          field -> named.add(field.getKey() + "=" + Access.text(field.getValue())));
      parameters.put("kwarg", named);
    }
    return parameters;
  }

  private ApiResponse publish(ApiRequest request) throws VaultException {
    JobRequest job = jobRequest(request.body(), publisher);
    Caller caller = request.caller();
    if (request.body().bool("dry_run")) {
      return resolve(caller, job);
    }
    JobPublisher.Published published;
    try {
      published = publisher.publish(job, (jid, minions, missing) -> admit(caller, job, jid, minions, missing));
    } catch (JobPublisher.NoMinionsMatched e) {
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (JobPublisher.Refused e) {
      throw new PermissionDeniedException(e.getMessage());
    } catch (IOException e) {
      throw new VaultException("cannot publish the job: " + e.getMessage(), e);
    }
    ObjectNode body = ApiJson.object();
    body.put("jid", published.jid());
    ids(body.putArray("minions"), published.minions());
    ids(body.putArray("missing"), published.missing());
    return ApiResponse.ok(body);
  }

  static JobRequest jobRequest(JsonBody body, JobPublisher publisher)
      throws InvalidRequestException {
    String tgt = body.string("tgt");
    String tgtType = Optional.ofNullable(body.string("tgt_type")).orElse("glob");
    String delimiter =
        Optional.ofNullable(body.string("delimiter")).orElse(Target.DEFAULT_DELIMITER);
    String fun = body.string("fun");
    if (tgt == null || fun == null) {
      throw new InvalidRequestException("'tgt' and 'fun' are required");
    }
    JsonNode arg = body.node("arg");
    JsonNode kwarg = body.node("kwarg");
    if (arg != null && !arg.isNull() && !arg.isArray()) {
      throw new InvalidRequestException("'arg' must be an array");
    }
    if (kwarg != null && !kwarg.isNull() && !kwarg.isObject()) {
      throw new InvalidRequestException("'kwarg' must be an object");
    }
    int timeout = body.integer("timeout");
    try {
      return new JobRequest(
          publisher.target(tgtType, tgt, delimiter),
          fun,
          arg == null || arg.isNull() ? ApiJson.MAPPER.createArrayNode() : (ArrayNode) arg,
          kwarg == null || kwarg.isNull() ? ApiJson.object() : (ObjectNode) kwarg,
          timeout == 0 ? JobRequest.DEFAULT_TIMEOUT : Duration.ofSeconds(timeout));
    } catch (ProtocolException | IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  /** A dry run: whom the job would reach, refused as the job would be; nothing recorded or sent. */
  private ApiResponse resolve(Caller caller, JobRequest job) throws VaultException {
    try {
      JobPublisher.Resolved resolved = publisher.resolve(job);
      allowedMinions(caller, resolved.minions(), resolved.missing());
      ObjectNode body = ApiJson.object();
      ids(body.putArray("minions"), resolved.minions());
      ids(body.putArray("missing"), resolved.missing());
      return ApiResponse.ok(body);
    } catch (JobPublisher.NoMinionsMatched e) {
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (JobPublisher.Refused e) {
      throw new PermissionDeniedException(e.getMessage());
    } catch (IOException e) {
      throw new VaultException("cannot resolve the target: " + e.getMessage(), e);
    }
  }

  /**
   * Salt's publisher_acl on the resolved set, then the job recorded in the audit trail before it
   * goes.
   */
  private void admit(
      Caller caller, JobRequest job, String jid, List<MinionId> minions, List<MinionId> missing)
      throws JobPublisher.Refused, IOException {
    allowedMinions(caller, minions, missing);
    List<String> reached = new ArrayList<>();
    minions.forEach(id -> reached.add(id.value()));
    missing.forEach(id -> reached.add(id.value()));
    try {
      audit.event(
          AuditEvent.job(
              caller.entry().accessor(),
              caller.entry().displayName(),
              job.target().expression(),
              job.target().type().wireName(),
              reached,
              job.fun(),
              jid));
    } catch (AuditFailedException e) {
      throw new IOException("the job could not be recorded by any audit device", e);
    }
  }

  /**
   * Salt's publisher_acl: with {@code allowed_minions} in the granting rule, every minion the
   * target reaches must match one of its globs, or the job is refused naming those outside.
   */
  private static void allowedMinions(
      Caller caller, List<MinionId> minions, List<MinionId> missing)
      throws JobPublisher.Refused {
    List<String> allowed = caller.decision().allowedMinions();
    if (!allowed.isEmpty()) {
      List<IdGlob> globs = new ArrayList<>();
      for (String glob : allowed) {
        globs.add(IdGlob.of(glob));
      }
      List<String> outside = new ArrayList<>();
      for (List<MinionId> ids : List.of(minions, missing)) {
        for (MinionId id : ids) {
          if (globs.stream().noneMatch(g -> g.matches(id.value()))) {
            outside.add(id.value());
          }
        }
      }
      if (!outside.isEmpty()) {
        Collections.sort(outside);
        throw new JobPublisher.Refused(
            "permission denied: policies "
                + caller.decision().grantingPolicies()
                + " allow jobs only on minions matching "
                + allowed
                + "; the target also reaches "
                + outside);
      }
    }
  }

  private ApiResponse read(ApiRequest request) throws VaultException {
    String jid = request.parameter("jid");
    try {
      if (jid == null) {
        return ApiResponse.ok(list(limit(request)));
      }
      if (request.parameter("wait") != null && !request.flagParameter("count")) {
        return longPoll(request, jid);
      }
      if (request.flagParameter("count")) {
        OptionalInt returned = cache.returnedCount(jid);
        if (returned.isEmpty()) {
          return ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no job " + jid + " in the cache");
        }
        ObjectNode body = ApiJson.object();
        body.put("jid", jid);
        body.put("returned", returned.getAsInt());
        return ApiResponse.ok(body);
      }
      Optional<JobView> view = cache.find(jid);
      if (view.isEmpty()) {
        return ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no job " + jid + " in the cache");
      }
      return ApiResponse.ok(job(view.get()));
    } catch (IOException e) {
      throw new VaultException("cannot read the job cache: " + e.getMessage(), e);
    }
  }

  /** The job now if it has more than {@code after} returns, else once it has or the wait ends. */
  private ApiResponse longPoll(ApiRequest request, String jid)
      throws IOException, InvalidRequestException {
    Duration wait = Durations.parse(request.parameter("wait"));
    int after = after(request);
    OptionalInt returned = cache.returnedCount(jid);
    if (returned.isEmpty()) {
      return ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no job " + jid + " in the cache");
    }
    if (returned.getAsInt() > after || wait.isZero()) {
      return view(jid);
    }
    CompletableFuture<Void> ready;
    try {
      ready = waiters.await(jid, after, wait);
    } catch (ReturnWaiters.Full e) {
      return ApiResponse.error(HttpResponseStatus.TOO_MANY_REQUESTS, e.getMessage());
    }
    // A return stored between the count and the wait woke nobody: look once more.
    OptionalInt again = cache.returnedCount(jid);
    if (again.isEmpty() || again.getAsInt() > after) {
      ready.complete(null);
    }
    return ApiResponse.later(
        ready,
        () -> {
          try {
            return view(jid);
          } catch (IOException e) {
            throw new VaultException("cannot read the job cache: " + e.getMessage(), e);
          }
        });
  }

  private static int after(ApiRequest request) throws InvalidRequestException {
    String after = request.parameter("after");
    if (after == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(after);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("after must be a whole number >= 0");
    }
  }

  private ApiResponse view(String jid) throws IOException {
    Optional<JobView> view = cache.find(jid);
    if (view.isEmpty()) {
      return ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no job " + jid + " in the cache");
    }
    return ApiResponse.ok(job(view.get()));
  }

  private static int limit(ApiRequest request) throws InvalidRequestException {
    String limit = request.parameter("limit");
    if (limit == null) {
      return DEFAULT_LIST_LIMIT;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("limit must be a whole number >= 1");
    }
  }

  private ObjectNode list(int limit) throws IOException {
    ObjectNode body = ApiJson.object();
    ArrayNode jobs = body.putArray("jobs");
    for (JobRecord job : cache.list(limit)) {
      record(jobs.addObject(), job);
    }
    return body;
  }

  private static ObjectNode job(JobView view) {
    ObjectNode body = ApiJson.object();
    record(body, view.job());
    ObjectNode returns = body.putObject("returns");
    for (Map.Entry<MinionId, JobReturn> entry : view.returns().entrySet()) {
      JobReturn ret = entry.getValue();
      ObjectNode r = returns.putObject(entry.getKey().value());
      r.set("return", ApiJson.MAPPER.valueToTree(ret.ret()));
      r.put("retcode", ret.retcode());
      r.put("success", ret.success());
      r.put("received", ret.received().toString());
    }
    return body;
  }

  private static void record(ObjectNode node, JobRecord job) {
    node.put("jid", job.jid());
    node.put("fun", job.fun());
    node.set("arg", ApiJson.MAPPER.valueToTree(job.args()));
    node.set("kwarg", ApiJson.MAPPER.valueToTree(job.kwargs()));
    node.put("tgt", job.target());
    node.put("tgt_type", job.targetType());
    ids(node.putArray("minions"), job.minions());
    ids(node.putArray("missing"), job.missing());
    node.put("started", job.started().toString());
    if (job.timeout() != null) {
      node.put("timeout", job.timeout().toSeconds());
      Duration left =
          Duration.between(Instant.now(), job.started().plus(job.timeout()).plus(RETURN_GRACE));
      node.put("ends_in_ms", Math.max(0, left.toMillis()));
    }
  }

  private static void ids(ArrayNode array, List<MinionId> ids) {
    ids.forEach(id -> array.add(id.value()));
  }
}
