package io.brine.master.api;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.master.audit.AuditBroker;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.Vault;
import io.brine.vault.VaultException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

  private final Vault vault;
  private final AuditBroker broker;

  AuditEndpoints(Vault vault, AuditBroker broker) {
    this.vault = vault;
    this.broker = broker;
  }

  void register(Routes.Builder routes) {
    routes
        .unsealed(AUDIT, this::list, GET)
        .unsealedPrefix(AUDIT + "/", this::enable, PUT, POST)
        .unsealedPrefix(AUDIT + "/", this::disable, DELETE)
        .unsealedPrefix(HASH, this::hash, PUT, POST)
        .unsealed(KEY, this::checkpointKey, GET)
        .unsealedPrefix(HEAD, this::head, GET);
  }

  private ApiResponse list(ApiRequest request) throws VaultException {
    vault.checkToken(request.token());
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
    return ApiResponse.ok(logical(data, true));
  }

  private ApiResponse enable(ApiRequest request) throws VaultException {
    vault.checkToken(request.token());
    String path = rest(request, AUDIT + "/");
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
    vault.checkToken(request.token());
    broker.disable(rest(request, AUDIT + "/"));
    return ApiResponse.noContent();
  }

  private ApiResponse hash(ApiRequest request) throws VaultException {
    vault.checkToken(request.token());
    String input = request.body().string("input");
    if (input == null) {
      throw new InvalidRequestException("input is required");
    }
    ObjectNode data = ApiJson.object();
    data.put("hash", broker.hash(rest(request, HASH), input));
    return ApiResponse.ok(logical(data, true));
  }

  private ApiResponse checkpointKey(ApiRequest request) throws VaultException {
    AuditBroker.CheckpointKey key = broker.checkpointKey();
    ObjectNode data = ApiJson.object();
    data.put("algorithm", "ed25519");
    data.put("key_id", key.keyId());
    data.put("public_key", key.publicKeyPem());
    return ApiResponse.ok(logical(data, false));
  }

  private ApiResponse head(ApiRequest request) throws VaultException {
    Optional<ObjectNode> checkpoint = broker.latestCheckpoint(rest(request, HEAD));
    if (checkpoint.isEmpty()) {
      return ApiResponse.error(
          HttpResponseStatus.NOT_FOUND, "the audit device has written no checkpoint yet");
    }
    return ApiResponse.ok(logical(checkpoint.get(), false));
  }

  /** The path after {@code prefix}: the device's name (one segment; the broker checks it). */
  private static String rest(ApiRequest request, String prefix) {
    return request.path().substring(prefix.length());
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
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isTextual() && !v.isBoolean() && !v.isNumber()) {
        throw new InvalidRequestException("option " + e.getKey() + " must be a string");
      }
      out.put(e.getKey(), v.asText());
    }
    return out;
  }

  /**
   * OpenBao's logical response: {@code data} in the envelope its clients read; {@code topLevel}
   * also copies data's fields to the top, as OpenBao's older sys/ answers do (hvac's {@code
   * list_enabled_audit_devices} reads either).
   */
  private static ObjectNode logical(ObjectNode data, boolean topLevel) {
    ObjectNode o = ApiJson.object();
    if (topLevel) {
      o.setAll(data.deepCopy());
    }
    o.put("request_id", UUID.randomUUID().toString());
    o.put("lease_id", "");
    o.put("renewable", false);
    o.put("lease_duration", 0);
    o.set("data", data);
    o.putNull("wrap_info");
    o.putNull("warnings");
    o.putNull("auth");
    return o;
  }
}
