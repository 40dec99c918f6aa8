package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.audit.AuditAuth;
import io.brine.master.audit.AuditBroker;
import io.brine.master.audit.AuditFailedException;
import io.brine.master.audit.AuditRecord;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.token.TokenEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path's side of the audit broker: turns a request, its caller and its answer into
 * the broker's records. The request entry is written before the endpoint runs and must be durable
 * on at least one device, or the request is refused (OpenBao's rule); the response entry after.
 *
 * <p>Like OpenBao, brine does not record the paths that carry no decision and that monitors poll
 * (seal-status, health, leader, and the checkpoint key and head the verifier reads); unlike
 * OpenBao it records sys/seal and sys/unseal (the unseal share itself never: each device drops
 * shares and root tokens from every entry).
 */
final class RequestAudit {
  private static final Logger log = LoggerFactory.getLogger(RequestAudit.class);

  /** Read by monitors and load balancers many times a second; nothing is decided there. */
  private static final Set<String> UNAUDITED =
      Set.of(
          "sys/seal-status",
          "sys/health",
          "sys/leader",
          "brine/audit/checkpoint-key");

  private static final String UNAUDITED_PREFIX = "brine/audit/head/";

  private final AuditBroker broker;

  /** @param broker the master's audit broker, or null for none (a bare vault in tests) */
  RequestAudit(AuditBroker broker) {
    this.broker = broker;
  }

  /**
   * Records the request before it runs.
   *
   * @throws AuditFailedException when devices are enabled and none made the entry durable
   */
  void request(ApiRequest request, Caller caller) throws AuditFailedException {
    if (skipped(request)) {
      return;
    }
    broker.request(record(request, caller, null, null));
  }

  /** Records the answer; the endpoint has run. */
  void response(ApiRequest request, Caller caller, ApiResponse response)
      throws AuditFailedException {
    if (skipped(request)) {
      return;
    }
    String error = null;
    JsonNode errors = response.body() == null ? null : response.body().get("errors");
    if (response.status().code() >= 400 && errors != null && errors.isArray()) {
      error = errors.isEmpty() ? response.status().reasonPhrase() : errors.get(0).asText();
    }
    broker.response(record(request, caller, error == null ? response.body() : null, error));
  }

  /**
   * Records a request the request path refused before it ran (a wrong token, a policy), with its
   * error. Best effort, as OpenBao: the answer is a refusal whether or not it was recorded.
   */
  void refused(ApiRequest request, Caller caller, String error) {
    if (skipped(request)) {
      return;
    }
    try {
      AuditRecord record = record(request, caller, null, error);
      broker.request(record);
      broker.response(record);
    } catch (AuditFailedException e) {
      log.debug("a refused request could not be recorded: {}", e.getMessage());
    }
  }

  private boolean skipped(ApiRequest request) {
    // Not broker.enabled(): while sealed the devices are not loaded yet and the broker keeps the
    // entries (sys/init, sys/unseal) until they are; it drops them itself when there are none.
    if (broker == null) {
      return true;
    }
    String path = logicalPath(request);
    return UNAUDITED.contains(path) || path.startsWith(UNAUDITED_PREFIX);
  }

  private AuditRecord record(
      ApiRequest request, Caller caller, JsonNode responseData, String error) {
    JsonNode requestData = null;
    if (request.hasBody()) {
      try {
        requestData = request.body().tree();
      } catch (InvalidRequestException e) {
        requestData = null; // an unreadable body is recorded as none; its 400 is the error
      }
    }
    String path = logicalPath(request);
    return new AuditRecord(
        request.id(),
        operation(request),
        path,
        request.remoteAddress() == null ? null : request.remoteAddress().getHostAddress(),
        request.remotePort(),
        caller == null ? null : auth(caller),
        KvAuditData.request(path, requestData),
        KvAuditData.response(path, responseData),
        error,
        request.token());
  }

  private static AuditAuth auth(Caller caller) {
    TokenEntry entry = caller.entry();
    Duration ttl = entry.ttlAt(Instant.now());
    return new AuditAuth(
        entry.accessor(),
        entry.displayName(),
        entry.policies(),
        entry.policies(),
        entry.meta(),
        caller.decision() == null
            ? null
            : new AuditAuth.PolicyResults(
                caller.decision().allowed(), caller.decision().grantingPolicies()),
        entry.creationTime(),
        ttl == null ? 0 : ttl.toSeconds(),
        TokenEndpoints.usesLeft(entry));
  }

  private static String operation(ApiRequest request) {
    try {
      return Access.methodCapability(request.method(), request).wireName();
    } catch (InvalidRequestException e) {
      return "read";
    }
  }

  private static String logicalPath(ApiRequest request) {
    String path = request.path();
    return path.startsWith("/v1/") ? path.substring(4) : path;
  }
}
