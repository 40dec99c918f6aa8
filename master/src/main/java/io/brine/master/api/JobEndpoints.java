package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.jobs.JobCache;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobRequest;
import io.brine.master.jobs.JobReturn;
import io.brine.master.jobs.JobView;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.Target;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Jobs through the operator API, token-authenticated ({@code brine run}, {@code brine jobs}):
 *
 * <ul>
 *   <li>{@code PUT|POST /v1/brine/jobs} with {@code {"tgt":"web*", "tgt_type":"glob", "fun":
 *       "test.ping", "arg":[], "kwarg":{}, "timeout":60}}: publishes the job; answers {@code
 *       {"jid", "minions":[...], "missing":[...]}}, or 400 when no accepted minion matches.
 *   <li>{@code GET /v1/brine/jobs}: the cached jobs, newest first, {@code ?limit=N} (default 100).
 *   <li>{@code GET /v1/brine/jobs?jid=J}: one job with its returns so far; 404 when unknown.
 *   <li>{@code GET /v1/brine/jobs?jid=J&count=true}: only {@code {"jid", "returned"}}, counted
 *       without reading the returns: for polling a large job.
 * </ul>
 */
final class JobEndpoints {
  private static final int DEFAULT_LIST_LIMIT = 100;

  private final Vault vault;
  private final JobPublisher publisher;
  private final JobCache cache;

  JobEndpoints(Vault vault, JobPublisher publisher, JobCache cache) {
    this.vault = vault;
    this.publisher = publisher;
    this.cache = cache;
  }

  void register(Routes.Builder routes) {
    routes.unsealed("/v1/brine/jobs", this::publish, PUT, POST);
    routes.unsealed("/v1/brine/jobs", this::read, GET);
  }

  private ApiResponse publish(ApiRequest request) throws VaultException {
    vault.checkToken(request.token());
    JobRequest job = jobRequest(request.body());
    JobPublisher.Published published;
    try {
      published = publisher.publish(job);
    } catch (JobPublisher.NoMinionsMatched e) {
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (IOException e) {
      throw new VaultException("cannot publish the job: " + e.getMessage(), e);
    }
    ObjectNode body = ApiJson.object();
    body.put("jid", published.jid());
    ids(body.putArray("minions"), published.minions());
    ids(body.putArray("missing"), published.missing());
    return ApiResponse.ok(body);
  }

  static JobRequest jobRequest(JsonBody body) throws InvalidRequestException {
    String tgt = body.string("tgt");
    String tgtType = Optional.ofNullable(body.string("tgt_type")).orElse("glob");
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
          Target.of(tgtType, tgt),
          fun,
          arg == null || arg.isNull() ? ApiJson.MAPPER.createArrayNode() : (ArrayNode) arg,
          kwarg == null || kwarg.isNull() ? ApiJson.object() : (ObjectNode) kwarg,
          timeout == 0 ? JobRequest.DEFAULT_TIMEOUT : Duration.ofSeconds(timeout));
    } catch (ProtocolException | IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  private ApiResponse read(ApiRequest request) throws VaultException {
    vault.checkToken(request.token());
    String jid = request.parameter("jid");
    try {
      if (jid == null) {
        return ApiResponse.ok(list(limit(request)));
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
    for (JobRecord job : cache.list().stream().limit(limit).toList()) {
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
  }

  private static void ids(ArrayNode array, List<MinionId> ids) {
    ids.forEach(id -> array.add(id.value()));
  }
}
