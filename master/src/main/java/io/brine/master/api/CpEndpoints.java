package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.cp.StagedFiles;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.policy.Capability;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code brine cp}'s uploads into the master's {@link StagedFiles}, through the one request path
 * (token, ACL, audit), needing what publishing a job needs: {@code create} on {@code brine/jobs}.
 *
 * <ul>
 *   <li>{@code POST|PUT /v1/brine/cp} with {@code {"size", "sha256", "ttl"}} (ttl in seconds):
 *       answers {@code {"id", "chunk_bytes", "max_bytes"}}, or 400 over a limit.
 *   <li>{@code PUT /v1/brine/cp/<id>?offset=N} whose body is one chunk's bytes ({@code
 *       Content-Type: application/octet-stream}, up to {@code chunk_bytes}, which may exceed the
 *       API's {@code max_request_bytes}: see {@link CpUploadGate}): answers {@code {"received",
 *       "size", "complete"}}; several may be in flight. The audit entry of each has no body: the
 *       request path never parses a raw body.
 *   <li>{@code DELETE /v1/brine/cp/<id>}: the uploader removes its staged file (204).
 * </ul>
 *
 * A policy's parameter rules see nothing of these requests (never the data); the job that
 * delivers the file, {@code cp.recv}, meets them when it is published.
 */
final class CpEndpoints {
  static final String PATH = "/v1/brine/cp";

  private final StagedFiles staged;

  CpEndpoints(StagedFiles staged) {
    this.staged = staged;
  }

  void register(Routes.Builder routes) {
    // No parameter rules: a policy's allowed_parameters speak of jobs (fun, arg, kwarg), and
    // the cp.recv job that makes a staged file reach a minion is checked by them when published.
    Access stage = Access.token().as(JobEndpoints.JOBS, Capability.CREATE).parameters(r -> Map.of());
    routes.unsealed(PATH, stage, this::create, PUT, POST);
    routes.unsealed(PATH + "/", stage, this::chunk, PUT, POST);
    routes.unsealed(PATH + "/", stage, this::delete, DELETE);
  }

  private ApiResponse create(ApiRequest request) throws VaultException {
    JsonBody body = request.body();
    long size = wholeNumber(body, "size");
    String sha = body.string("sha256");
    if (sha == null || !sha.matches("[0-9a-f]{64}")) {
      throw new InvalidRequestException("'sha256' must be 64 lower-case hex digits");
    }
    int ttl = body.integer("ttl");
    try {
      StagedFiles.Progress p =
          staged.create(
              owner(request),
              size,
              HexFormat.of().parseHex(sha),
              Duration.ofSeconds(ttl == 0 ? 3600 : ttl));
      ObjectNode out = progress(p);
      out.put("chunk_bytes", staged.chunkBytes());
      out.put("max_bytes", staged.maxFileBytes());
      return ApiResponse.ok(out);
    } catch (StagedFiles.StagingException e) {
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (IOException e) {
      throw new VaultException("cannot stage the file: " + e.getMessage(), e);
    }
  }

  private ApiResponse chunk(ApiRequest request) throws VaultException {
    if (!request.octetStream()) {
      throw new InvalidRequestException(
          "a chunk is the body itself, sent as " + ApiRequest.OCTET_STREAM + " with ?offset=N");
    }
    String at = request.parameter("offset");
    long offset;
    try {
      offset = at == null ? -1 : Long.parseLong(at);
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      throw new InvalidRequestException("'offset' must be a whole number >= 0");
    }
    try {
      return ApiResponse.ok(
          progress(staged.write(owner(request), request.pathRest(), offset, request.bytes())));
    } catch (StagedFiles.StagingException e) {
      return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (IOException e) {
      throw new VaultException("cannot write the staged file: " + e.getMessage(), e);
    }
  }

  private ApiResponse delete(ApiRequest request) {
    staged.delete(owner(request), request.pathRest());
    return ApiResponse.noContent();
  }

  /** The uploading token, by its accessor: only it writes or removes its staged file. */
  private static String owner(ApiRequest request) {
    return request.caller().entry().accessor();
  }

  private static long wholeNumber(JsonBody body, String name) throws InvalidRequestException {
    JsonNode v = body.node(name);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new InvalidRequestException("'" + name + "' must be a whole number >= 0");
    }
    return v.asLong();
  }

  private static ObjectNode progress(StagedFiles.Progress p) {
    ObjectNode out = ApiJson.object();
    out.put("id", p.id());
    out.put("received", p.received());
    out.put("size", p.size());
    out.put("complete", p.complete());
    return out;
  }
}
