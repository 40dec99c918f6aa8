package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.audit.AuditBroker;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OpenBao's audit device API, token-authenticated (OpenBao needs sudo on these; the request path
 * checks it):
 *
 * <ul>
 *   <li>{@code GET sys/audit}: {@code {"file/": {type, description, options, local, path}}}, in
 *       {@code data} and, as OpenBao's sys/ answers, at the top level too.
 *   <li>{@code PUT|POST sys/audit/<path>} {@code {type, description, options}}: refused with
 *       OpenBao's "cannot enable audit device via API" unless the config has {@code
 *       unsafe_allow_api_audit_creation: true}; 204.
 *   <li>{@code DELETE sys/audit/<path>}: disables it and drops its salt; 204.
 *   <li>{@code PUT|POST sys/audit-hash/<path>} {@code {input}}: {@code {"hash":
 *       "hmac-sha256:..."}}.
 * </ul>
 *
 * <p>And brine's own, public (they hold no secret): {@code GET brine/audit/checkpoint-key} (the
 * checkpoint key's public half, to copy off the host and pin in {@code brine audit verify}) and
 * {@code GET brine/audit/head/<path>} (the device's latest signed checkpoint, for {@code --head}).
 */
final class AuditEndpoints {
  private static final String AUDIT = "/v1/sys/audit";
  private static final String HASH = "/v1/sys/audit-hash/";
  private static final String KEY = "/v1/brine/audit/checkpoint-key";
  private static final String HEAD = "/v1/brine/audit/head/";

  private final AuditBroker broker;

  AuditEndpoints(AuditBroker broker) {
    this.broker = broker;
  }

  void register(Routes.Builder routes) {
    // OpenBao: sys/audit and sys/audit/* are root-protected (PathsSpecial.Root); audit-hash is
    // not. The checkpoint key and head are public: the verifier needs them off the host.
    Access sudo = Access.token().sudo();
    routes
        .unsealed(AUDIT, sudo, this::list, GET)
        .unsealed(AUDIT + "/", sudo, this::enable, PUT, POST)
        .unsealed(AUDIT + "/", sudo, this::disable, DELETE)
        .unsealed(HASH, this::hash, PUT, POST)
        .unsealed(KEY, Access.unauthenticated(), this::checkpointKey, GET)
        .unsealed(HEAD, Access.unauthenticated(), this::head, GET);
  }

  private ApiResponse list(ApiRequest request) throws VaultException {
    ObjectNode data = ApiJson.object();
    for (Map.Entry<String, AuditBroker.DeviceInfo> e : broker.list().entrySet()) {
      AuditBroker.DeviceInfo d = e.getValue();
      ObjectNode device = data.putObject(e.getKey());
      device.put("type", d.type());
      device.put("description", d.description());
      ObjectNode options = device.putObject("options");
      d.options().forEach(options::put);
      device.put("local", false);
      device.put("path", d.path());
    }
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }

  private ApiResponse enable(ApiRequest request) throws VaultException {
    String path = request.pathRest();
    JsonBody body = request.body();
    String type = body.string("type");
    if (type == null) {
      throw new InvalidRequestException("type is required");
    }
    String description = body.string("description");
    if (description == null) {
      description = "";
    }
    if (body.isSet("local") && body.bool("local")) {
      throw new InvalidRequestException("local audit devices are not supported: brine has one node");
    }
    broker.enable(path, type, description, options(body.node("options")));
    return ApiResponse.noContent();
  }

  private ApiResponse disable(ApiRequest request) throws VaultException {
    broker.disable(request.pathRest());
    return ApiResponse.noContent();
  }

  private ApiResponse hash(ApiRequest request) throws VaultException {
    String input = request.body().string("input");
    if (input == null) {
      throw new InvalidRequestException("input is required");
    }
    ObjectNode data = ApiJson.object();
    data.put("hash", broker.hash(request.pathRest(), input));
    return ApiResponse.ok(ApiJson.logicalWithDataOnTop(data));
  }

  private ApiResponse checkpointKey(ApiRequest request) throws VaultException {
    AuditBroker.CheckpointKey key = broker.checkpointKey();
    ObjectNode data = ApiJson.object();
    data.put("algorithm", "ed25519");
    data.put("key_id", key.keyId());
    data.put("public_key", key.publicKeyPem());
    return ApiResponse.ok(ApiJson.logical(data));
  }

  private ApiResponse head(ApiRequest request) throws VaultException {
    Optional<ObjectNode> checkpoint = broker.latestCheckpoint(request.pathRest());
    if (checkpoint.isEmpty()) {
      return ApiResponse.error(
          HttpResponseStatus.NOT_FOUND, "the audit device has written no checkpoint yet");
    }
    return ApiResponse.ok(ApiJson.logical(checkpoint.get()));
  }

  /** OpenBao's options are strings; booleans and numbers are taken as their text. */
  private static Map<String, String> options(JsonNode node) throws InvalidRequestException {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new InvalidRequestException("options must be an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isTextual() && !v.isBoolean() && !v.isNumber()) {
        throw new InvalidRequestException("option " + e.getKey() + " must be a string");
      }
      out.put(e.getKey(), v.asText());
    }
    return out;
  }
}
