package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One operator API request (or its response) as the request path hands it to {@link
 * AuditBroker#request} and {@link AuditBroker#response}. Everything here is raw: each device HMACs
 * the client token, the accessor and every string in the data with its own salt (unless {@code
 * log_raw}), and drops key shares, new shares and root tokens entirely, whatever its options.
 *
 * @param requestId the request's id, shared by its request and response entries
 * @param operation OpenBao's operation: create, read, update, patch, delete, list
 * @param path the logical path without {@code /v1/}, e.g. {@code sys/audit/file}
 * @param remoteAddress the client's IP address, or null when not known
 * @param remotePort the client's port, 0 when not known
 * @param auth who asked, or null for an unauthenticated path
 * @param requestData the request body (an object), or null
 * @param responseData the response body (an object), or null; response entries only
 * @param error the error answered, or null
 * @param clientToken the raw token given, or null
 */
public record AuditRecord(
    String requestId,
    String operation,
    String path,
    String remoteAddress,
    int remotePort,
    AuditAuth auth,
    JsonNode requestData,
    JsonNode responseData,
    String error,
    String clientToken) {
  public AuditRecord {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(path, "path");
    // Copied: the caller's tree may change after the call returns, and a buffered entry is
    // formatted later.
    requestData = requestData == null ? null : requestData.deepCopy();
    responseData = responseData == null ? null : responseData.deepCopy();
  }

  @Override
  public String toString() {
    // Never the token nor the data: a record's own toString would print them raw (a share, a new
    // token), and a record is one stray log argument away from a log line.
    return "AuditRecord[" + requestId + " " + operation + " " + path
        + (error == null ? "" : ", error " + error) + "]";
  }
}
