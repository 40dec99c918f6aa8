package io.brine.master.api;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.TOO_MANY_REQUESTS;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.RedirectAddress;
import io.brine.master.ha.ClusterStatus;
import io.brine.vault.ForeignShareException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.SealedException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.brine.vault.policy.Acl;
import io.brine.vault.policy.AclDecision;
import io.brine.vault.policy.Capability;
import io.brine.vault.token.TokenEntry;
import io.brine.master.audit.AuditFailedException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request: the sealed gate, then the standby gate, then the route, then the endpoint,
 * then the exception's type mapped to OpenBao's status code. No Netty state: one instance serves
 * every connection.
 *
 * <p>The standby gate, as OpenBao's request handling: an unsealed standby of a cluster serves
 * only {@link Routes#SERVED_ON_STANDBY} and answers every other request with a 307 to the active
 * master's advertised address, the same path and query after it (without a body, as OpenBao's; the
 * token goes with the client, which the active master checks). With no active master known it
 * answers 503 {@value #NO_ACTIVE}. Redirected requests are not audited here: the active master
 * audits what it serves. {@code sys/seal} on a standby is refused with OpenBao's 500 (sealing the
 * active master through a standby's address would surprise whoever asked).
 *
 * <p>Logs method, path and status at debug; never a body, a share or a token. A failing vault call
 * is logged once at warn with its one-line message (stack trace at debug), and the client gets the
 * message, never a stack trace.
 */
final class OperatorApi {
  private static final Logger log = LoggerFactory.getLogger(OperatorApi.class);

  static final String SEALED = "Vault is sealed";

  /** OpenBao's "no active Vault instance found", in brine's words. */
  static final String NO_ACTIVE = "no active brine master found";

  /** OpenBao's answer to {@code sys/seal} on a standby, word for word. */
  static final String STANDBY_SEAL = "vault cannot seal when in standby mode; please restart instead";

  private static final HttpMethod LIST = HttpMethod.valueOf("LIST");

  static final String THROTTLED = "too many wrong tokens from this address; retry in a second";

  /** OpenBao's answer to a missing, wrong, expired or used-up token. */
  static final String PERMISSION_DENIED = "permission denied";

  static final String AUDIT_FAILED =
      "the request could not be recorded by any audit device, so it was not carried out";

  static final String AUDIT_FAILED_AFTER =
      "the request was carried out but its response could not be recorded by any audit device";

  private final Vault vault;
  private final ClusterStatus cluster;
  private final Routes routes;
  private final TokenFailures tokenFailures;
  /**
   * The audit entries a stranger's refusals (no token, a wrong one) may cost, per address: the
   * same bucket as wrong tokens, 10 then one a second. Past it a refusal is counted in the
   * refusal log line only: otherwise a flood of tokenless requests, which are never throttled (a
   * request without a token cannot guess one), would fill the audit disk at two lines each, and a
   * full audit disk refuses every operator's request.
   */
  private final TokenFailures recordedRefusals;
  private final RefusalLog refusedTokens;
  private final RefusalLog throttled;
  private final RefusalLog policyRefusals;
  private final RequestAudit audit;

  OperatorApi(
      Vault vault,
      ClusterStatus cluster,
      Routes routes,
      TokenFailures tokenFailures,
      RefusalLog refusedTokens,
      RefusalLog throttled,
      RefusalLog policyRefusals,
      RequestAudit audit) {
    this.vault = vault;
    this.cluster = cluster;
    this.routes = routes;
    this.tokenFailures = tokenFailures;
    this.recordedRefusals = TokenFailures.systemClock();
    this.refusedTokens = refusedTokens;
    this.throttled = throttled;
    this.policyRefusals = policyRefusals;
    this.audit = audit;
  }

  /** Every operator path over {@code vault}, without the master's own {@code /v1/brine/} paths. */
  static OperatorApi create(Vault vault, String buildDate, Clock clock) {
    return create(vault, buildDate, clock, MasterPaths.NONE, GlobalEventExecutor.INSTANCE);
  }

  /**
   * Every operator path, with the master's own {@code /v1/brine/} paths {@code paths} has.
   *
   * @param timer where the token-failure log lines' intervals end
   */
  static OperatorApi create(
      Vault vault,
      String buildDate,
      Clock clock,
      MasterPaths paths,
      ScheduledExecutorService timer) {
    return create(vault, buildDate, clock, paths, timer, ClusterStatus.SINGLE);
  }

  /** As above, for a master that may be a standby of {@code cluster}. */
  static OperatorApi create(
      Vault vault,
      String buildDate,
      Clock clock,
      MasterPaths paths,
      ScheduledExecutorService timer,
      ClusterStatus cluster) {
    return new OperatorApi(
        vault,
        cluster,
        Routes.operatorApi(vault, buildDate, clock, paths, cluster),
        TokenFailures.systemClock(),
        new RefusalLog(log, "operator API: token refused", RefusalLog.DEFAULT_INTERVAL, timer),
        new RefusalLog(
            log,
            "operator API: answered 429 without checking the token: "
                + TokenFailures.BURST
                + " wrong tokens, then more than one a second,",
            RefusalLog.DEFAULT_INTERVAL,
            timer),
        new RefusalLog(log, "operator API: refused by policy", RefusalLog.DEFAULT_INTERVAL, timer),
        new RequestAudit(paths.audit()));
  }

  /**
   * May block: runs on the vault executor.
   *
   * @param remote the peer address of the request's connection (null when not known): the
   *     share and token-failure limits count per address
   */
  ApiResponse respond(FullHttpRequest request, SocketAddress remote) {
    InetAddress peer = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    HttpMethod method = request.method();
    QueryStringDecoder uri;
    String path;
    ApiRequest parsed;
    try {
      uri = new QueryStringDecoder(request.uri());
      path = uri.path();
      parsed = new ApiRequest(request, uri, remote);
    } catch (IllegalArgumentException e) {
      // A bad percent-escape in the path or query: the client's mistake, answered as such.
      log.debug("malformed request URI", e);
      return ApiResponse.error(BAD_REQUEST, "malformed request URI");
    }
    ApiResponse response;
    boolean sealed = vault.sealStatus().sealed();
    if (!routes.servedWhileSealed(path) && sealed) {
      response = ApiResponse.error(SERVICE_UNAVAILABLE, SEALED);
    } else if (!sealed && !cluster.active() && Routes.sealsThisMaster(path, method)) {
      // OpenBao's standby refuses before the token check: it has no token store to spend from.
      response = ApiResponse.error(INTERNAL_SERVER_ERROR, STANDBY_SEAL);
    } else if (!sealed && !cluster.active() && !Routes.servedOnStandby(path, method)) {
      response = toActive(request.uri());
    } else {
      response = route(method, path, parsed, peer);
    }
    log.debug("{} {} -> {}", method, path, response.status().code());
    return response;
  }

  /** A standby's answer: the same request, at the active master. */
  private ApiResponse toActive(String requestUri) {
    Optional<ClusterStatus.Leader> leader = cluster.leader();
    if (leader.isEmpty() || leader.get().self()) {
      return ApiResponse.error(SERVICE_UNAVAILABLE, NO_ACTIVE);
    }
    String target = requestUri;
    if (!target.startsWith("/")) {
      // The absolute form a client may send (RFC 9112 3.2.2): only its path and query go on.
      URI absolute;
      try {
        absolute = URI.create(target);
      } catch (IllegalArgumentException e) {
        return ApiResponse.error(BAD_REQUEST, "malformed request URI");
      }
      target =
          absolute.getRawPath()
              + (absolute.getRawQuery() == null ? "" : "?" + absolute.getRawQuery());
      if (!absolute.isAbsolute() || !target.startsWith("/")) {
        // Neither origin form nor absolute form (e.g. "@evil.example/x"): appended to the
        // leader's address it would name another host.
        return ApiResponse.error(BAD_REQUEST, "malformed request URI");
      }
    }
    return ApiResponse.temporaryRedirect(RedirectAddress.resolve(leader.get().address(), target));
  }

  private ApiResponse route(
      HttpMethod method, String path, ApiRequest request, InetAddress peer) {
    Routes.Match match = routes.find(path);
    if (match == null) {
      return ApiResponse.error(NOT_FOUND, "unsupported path");
    }
    HttpMethod operation;
    try {
      operation = routedMethod(method, request);
    } catch (InvalidRequestException e) {
      return ApiResponse.error(BAD_REQUEST, e.getMessage());
    }
    Routes.Route route = match.routes().get(operation);
    if (route == null) {
      return ApiResponse.methodNotAllowed(match.routes().keySet());
    }
    request.pathRest(match.rest());
    Access access = route.access();
    Caller caller = null;
    try {
      // Past the sealed gate while sealed means a route served while sealed: sys/seal, which then
      // does nothing. There is no token store to ask, and nothing to protect.
      if (access.needsToken() && !vault.sealStatus().sealed()) {
        ApiResponse refused = authenticate(operation, path, access, request, peer);
        if (refused != null) {
          return refused;
        }
        caller = request.caller();
        if (!caller.decision().allowed()) {
          policyRefusals.refused(
              "from "
                  + shown(peer)
                  + " (accessor "
                  + caller.entry().accessor()
                  + ") for "
                  + method
                  + " "
                  + RefusalLog.shown(path)
                  + ": "
                  + caller.decision().reason());
          audit.refused(request, caller, caller.decision().reason());
          return ApiResponse.error(FORBIDDEN, caller.decision().reason());
        }
      }
      try {
        audit.request(request, caller);
      } catch (AuditFailedException e) {
        return ApiResponse.error(INTERNAL_SERVER_ERROR, AUDIT_FAILED);
      }
      // Every outcome of the endpoint, its errors too, is an answer the response entry records.
      ApiResponse response = handle(route.endpoint(), method, path, request);
      if (response.deferred() != null) {
        // A long poll: recorded when it answers. The token's use was spent when it came in.
        ApiResponse.Deferred later = response.deferred();
        Caller recordedCaller = caller;
        return ApiResponse.later(
            later.ready(),
            () -> recorded(request, recordedCaller, answerLater(later, method, path, request)));
      }
      return recorded(request, caller, response);
    } catch (VaultException | RuntimeException e) {
      return failure(e, method, path, request);
    } finally {
      if (caller != null) {
        finishUse(caller.entry());
      }
    }
  }

  /** {@code response} once the audit devices have recorded it. */
  private ApiResponse recorded(ApiRequest request, Caller caller, ApiResponse response) {
    try {
      audit.response(request, caller, response);
    } catch (AuditFailedException e) {
      // OpenBao's rule: the operation has happened, but the client is told it was not recorded.
      return ApiResponse.error(INTERNAL_SERVER_ERROR, AUDIT_FAILED_AFTER);
    } finally {
      request.responseRecorded();
    }
    return response;
  }

  /** A deferred endpoint's answer, or its failure as one, as {@link #handle}. */
  private ApiResponse answerLater(
      ApiResponse.Deferred later, HttpMethod method, String path, ApiRequest request) {
    try {
      return later.answer().answer();
    } catch (VaultException | RuntimeException e) {
      return failure(e, method, path, request);
    }
  }

  /**
   * The method whose route serves the request: OpenBao makes {@code GET ?list=true} the list
   * operation before routing, so on a path that cannot list it is no read (a {@code list} grant
   * would otherwise read what only {@code read} may).
   */
  private static HttpMethod routedMethod(HttpMethod method, ApiRequest request)
      throws InvalidRequestException {
    return method.equals(HttpMethod.GET) && request.flagParameter("list") ? LIST : method;
  }

  /**
   * Spends one use of the request's token and compiles its policies' decision for this route
   * into {@link ApiRequest#caller}; answers the refusal instead when the token is missing, wrong,
   * expired or used up, or when its address is throttled.
   */
  private ApiResponse authenticate(
      HttpMethod method, String path, Access access, ApiRequest request, InetAddress peer)
      throws VaultException {
    String token = request.token();
    if (token == null) {
      refusedTokens.refused(
          "from " + shown(peer) + " for " + method + " " + RefusalLog.shown(path)
              + " (no token given)");
      // OpenBao records a request its token check refused, a missing token as a wrong one.
      recordRefusal(request, peer);
      return ApiResponse.error(FORBIDDEN, PERMISSION_DENIED);
    }
    // An address that keeps sending wrong tokens has no token checked for a while (the token
    // check is a barrier read; a flood of them was neither slowed nor logged).
    if (tokenFailures.throttled(peer)) {
      throttled.refused("from " + shown(peer) + " for " + method + " " + RefusalLog.shown(path));
      return ApiResponse.error(TOO_MANY_REQUESTS, THROTTLED);
    }
    // Read before a use is spent: a malformed body is the client's 400 and costs no use (OpenBao
    // parses the request before it looks at the token).
    Capability operation = access.capability(method, request);
    Map<String, List<String>> parameters = access.parameters(request);
    TokenEntry entry;
    try {
      entry = vault.tokens().use(token);
    } catch (PermissionDeniedException e) {
      // Never the token itself, not even a prefix: a near-miss is a secret too.
      tokenFailures.failed(peer);
      refusedTokens.refused("from " + shown(peer) + " for " + method + " " + RefusalLog.shown(path));
      recordRefusal(request, peer);
      return ApiResponse.error(FORBIDDEN, PERMISSION_DENIED);
    }
    try {
      Acl acl = vault.policies().acl(entry.policies());
      AclDecision decision =
          acl.check(access.aclPath(path), operation, access.needsSudo(), parameters);
      request.caller(new Caller(token, entry, acl, decision));
      return null;
    } catch (VaultException | RuntimeException e) {
      // The use is spent: a token on its last one must not stay behind half-used.
      finishUse(entry);
      throw e;
    }
  }

  /** Records a refusal before authentication, within {@link #recordedRefusals}' bucket. */
  private void recordRefusal(ApiRequest request, InetAddress peer) {
    if (recordedRefusals.throttled(peer)) {
      return;
    }
    recordedRefusals.failed(peer);
    audit.refused(request, null, PERMISSION_DENIED);
  }

  private void finishUse(TokenEntry entry) {
    try {
      vault.tokens().finishUse(entry);
    } catch (VaultException e) {
      log.warn("cannot revoke a token whose last use was spent: {}", e.getMessage());
      log.debug("token revocation failure", e);
    }
  }

  /** The endpoint's answer, or its failure as one: never an exception, so it can be recorded. */
  private ApiResponse handle(Endpoint endpoint, HttpMethod method, String path, ApiRequest request) {
    try {
      return endpoint.handle(request);
    } catch (PermissionDeniedException e) {
      // The endpoint's own refusal (a policy the parent lacks, a target outside the policy):
      // the token was good, so it is no wrong-token failure.
      policyRefusals.refused(
          "from " + request.remoteForLog() + " for " + method + " " + RefusalLog.shown(path)
              + ": " + e.getMessage());
      return ApiResponse.error(FORBIDDEN, e.getMessage());
    } catch (VaultException | RuntimeException e) {
      return failure(e, method, path, request);
    }
  }

  /** The exception's type mapped to OpenBao's status code, with its one-line message. */
  private static ApiResponse failure(
      Exception e, HttpMethod method, String path, ApiRequest request) {
    if (e instanceof PermissionDeniedException) {
      return ApiResponse.error(FORBIDDEN, e.getMessage());
    }
    if (e instanceof SealedException) {
      return ApiResponse.error(SERVICE_UNAVAILABLE, SEALED);
    }
    if (e instanceof ForeignShareException) {
      // A quorum update (rotation, generate-root) with a share of no operator: one line, where
      // from; sys/unseal logs its own, rate-limited (SealEndpoints).
      log.warn("{} {} from {}: {}", method, path, request.remoteForLog(), e.getMessage());
      return ApiResponse.error(BAD_REQUEST, e.getMessage());
    }
    if (e instanceof InvalidRequestException) {
      return ApiResponse.error(BAD_REQUEST, e.getMessage());
    }
    if (e instanceof VaultException) {
      log.warn("{} {} failed: {}", method, path, e.getMessage());
      log.debug("{} {} failure", method, path, e);
      return ApiResponse.error(INTERNAL_SERVER_ERROR, e.getMessage());
    }
    log.warn("{} {} failed: {}", method, path, e.toString());
    log.debug("{} {} failure", method, path, e);
    return ApiResponse.error(INTERNAL_SERVER_ERROR, "internal error");
  }

  private static String shown(InetAddress peer) {
    return peer == null ? "an unknown address" : peer.getHostAddress();
  }
}
