package io.brine.master.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;

/**
 * OpenBao's JSON entry (research §3.3; {@code internal/audit/format.go}): {@code time}, {@code
 * type}, {@code auth}, {@code request}, {@code response}, {@code error}, fields left out when
 * empty. Every string in request and response data is HMAC'd, recursively, unless {@code log_raw};
 * numbers, booleans and nulls pass in clear, as in OpenBao. Key shares, new shares, one-time pads
 * and root tokens on {@code sys/} paths are dropped entirely, {@code log_raw} or not: a share in a
 * log file would be a share on disk.
 *
 * <p>The body ends with its closing brace; the device's writer appends {@code seq} and {@code
 * prev} there ({@link ChainWriter}), in write order.
 */
final class EntryFormat {
  static final ObjectMapper JSON = new ObjectMapper();

  /** RFC 3339 in UTC with nanoseconds, always nine digits. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Request fields on sys/ paths that hold a share or a one-time pad. */
  private static final Set<String> SECRET_REQUEST_FIELDS = Set.of("key", "otp");

  /** Response fields on sys/ paths that hold shares or a root token, plain or encoded. */
  private static final Set<String> SECRET_RESPONSE_FIELDS =
      Set.of(
          "keys",
          "keys_base64",
          "recovery_keys",
          "recovery_keys_base64",
          "root_token",
          "encoded_token",
          "encoded_root_token",
          "otp");

  private EntryFormat() {}

  static String time(Instant t) {
    return TIME.format(t);
  }

  /** The entry's bytes for {@code options}, without chain fields and without a newline. */
  static byte[] body(AuditEntry entry, AuditSalt salt, FileDeviceOptions options) {
    Mac mac = options.logRaw() ? null : salt.mac();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("time", time(entry.time()));
    o.put("type", entry.type());
    if (entry.record() != null) {
      record(o, entry.record(), mac, options);
    } else {
      event(o, entry.event(), mac, options);
    }
    return withPrefix(options.prefix(), o);
  }

  static byte[] withPrefix(String prefix, ObjectNode o) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit entry could not be written as JSON", e);
    }
    if (prefix.isEmpty()) {
      return json;
    }
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length + json.length];
    System.arraycopy(p, 0, out, 0, p.length);
    System.arraycopy(json, 0, out, p.length, json.length);
    return out;
  }

  private static void record(ObjectNode o, AuditRecord r, Mac mac, FileDeviceOptions options) {
    boolean hmacAccessor = options.hmacAccessor();
    String token = r.clientToken() == null ? null : hashed(mac, r.clientToken());
    String accessor =
        r.auth() == null || r.auth().accessor() == null
            ? null
            : hmacAccessor ? hashed(mac, r.auth().accessor()) : r.auth().accessor();
    if (r.auth() != null) {
      AuditAuth a = r.auth();
      ObjectNode auth = o.putObject("auth");
      putIfSet(auth, "client_token", token);
      putIfSet(auth, "accessor", accessor);
      putIfSet(auth, "display_name", a.displayName());
      if (!a.policies().isEmpty()) {
        a.policies().forEach(auth.putArray("policies")::add);
      }
      if (!a.tokenPolicies().isEmpty()) {
        a.tokenPolicies().forEach(auth.putArray("token_policies")::add);
      }
      if (a.policyResults() != null) {
        ObjectNode results = auth.putObject("policy_results");
        results.put("allowed", a.policyResults().allowed());
        ArrayNode granting = results.putArray("granting_policies");
        for (String name : a.policyResults().grantingPolicies()) {
          granting.addObject().put("name", name).put("type", "acl");
        }
      }
      if (!a.metadata().isEmpty()) {
        ObjectNode meta = auth.putObject("metadata");
        new java.util.TreeMap<>(a.metadata()).forEach(meta::put);
      }
      if (a.ttlSeconds() != 0) {
        auth.put("token_ttl", a.ttlSeconds());
      }
      if (a.issueTime() != null) {
        auth.put("token_issue_time", time(a.issueTime()));
      }
      auth.put("remaining_uses", a.remainingUses());
    }
    ObjectNode request = o.putObject("request");
    request.put("id", r.requestId());
    request.put("operation", r.operation());
    request.putObject("namespace").put("id", "root");
    request.put("path", r.path());
    putIfSet(request, "client_token", token);
    putIfSet(request, "client_token_accessor", accessor);
    if (r.requestData() != null && r.requestData().isObject()) {
      request.set("data", data(r.requestData(), mac, secretFields(r.path(), true)));
    }
    putIfSet(request, "remote_address", r.remoteAddress());
    if (r.remotePort() > 0) {
      request.put("remote_port", r.remotePort());
    }
    if (AuditEntry.RESPONSE.equals(o.path("type").asText())) {
      ObjectNode response = o.putObject("response");
      JsonNode data = r.responseData();
      if (isEnvelope(data)) {
        // OpenBao's entry has the response's auth and data, not the HTTP envelope around them.
        JsonNode issued = data.get("auth");
        if (issued != null && issued.isObject()) {
          response.set("auth", responseAuth(issued, mac, hmacAccessor));
        }
        data = data.get("data");
      }
      if (data != null && data.isObject()) {
        if (options.elideListResponses() && "list".equals(r.operation())) {
          data = elided(data);
        }
        response.set("data", data(data, mac, secretFields(r.path(), false)));
      }
    }
    putIfSet(o, "error", r.error());
  }

  /** The logical answer's envelope ({@code ApiJson.logical} in the API): request_id, data, auth. */
  private static boolean isEnvelope(JsonNode body) {
    return body != null
        && body.isObject()
        && body.has("request_id")
        && body.has("lease_id")
        && body.has("wrap_info")
        && body.has("data")
        && body.has("auth");
  }

  /**
   * A token issued or renewed in the answer, as OpenBao records it: the token and its accessor
   * HMAC'd (the token always: it is the credential), the rest (policies, ttl, uses) in clear.
   */
  private static ObjectNode responseAuth(JsonNode issued, Mac mac, boolean hmacAccessor) {
    ObjectNode auth = JsonNodeFactory.instance.objectNode();
    String token = issued.path("client_token").asText("");
    putIfSet(auth, "client_token", token.isEmpty() ? null : hashed(mac, token));
    String accessor = issued.path("accessor").asText("");
    putIfSet(auth, "accessor",
        accessor.isEmpty() ? null : hmacAccessor ? hashed(mac, accessor) : accessor);
    putIfSet(auth, "display_name", issued.path("display_name").asText(""));
    for (String list : new String[] {"policies", "token_policies"}) {
      JsonNode names = issued.get(list);
      if (names != null && names.isArray()) {
        ArrayNode out = auth.putArray(list);
        names.forEach(n -> out.add(n.asText()));
      }
    }
    JsonNode meta = issued.get("metadata");
    if (meta != null && meta.isObject()) {
      auth.set("metadata", meta.deepCopy());
    }
    if (issued.has("lease_duration")) {
      auth.put("token_ttl", issued.path("lease_duration").asLong());
    }
    putIfSet(auth, "token_type", issued.path("token_type").asText(""));
    if (issued.has("num_uses")) {
      auth.put("num_uses", issued.path("num_uses").asInt());
    }
    if (issued.has("renewable")) {
      auth.put("renewable", issued.path("renewable").asBoolean());
    }
    if (issued.has("orphan")) {
      auth.put("orphan", issued.path("orphan").asBoolean());
    }
    return auth;
  }

  private static void event(ObjectNode o, AuditEvent e, Mac mac, FileDeviceOptions options) {
    ObjectNode event = o.putObject("event");
    event.put("kind", e.kind());
    if (e.accessor() != null) {
      event.put("accessor", options.hmacAccessor() ? hashed(mac, e.accessor()) : e.accessor());
    }
    putIfSet(event, "display_name", e.displayName());
    event.setAll(e.detailsView());
  }

  private static Set<String> secretFields(String path, boolean request) {
    if (!path.startsWith("sys/")) {
      return Set.of();
    }
    return request ? SECRET_REQUEST_FIELDS : SECRET_RESPONSE_FIELDS;
  }

  /** OpenBao's {@code elide_list_responses}: {@code keys} and {@code key_info} become counts. */
  private static JsonNode elided(JsonNode data) {
    ObjectNode copy = (ObjectNode) data.deepCopy();
    JsonNode keys = copy.get("keys");
    if (keys != null && keys.isArray()) {
      copy.put("keys", keys.size());
    }
    JsonNode info = copy.get("key_info");
    if (info != null && info.isObject()) {
      copy.put("key_info", info.size());
    }
    return copy;
  }

  /** A copy of {@code data} with {@code drop} left out at the top and every string HMAC'd. */
  private static JsonNode data(JsonNode data, Mac mac, Set<String> drop) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!drop.contains(field.getKey())) {
        out.set(field.getKey(), hashedTree(field.getValue(), mac));
      }
    }
    return out;
  }

  private static JsonNode hashedTree(JsonNode node, Mac mac) {
    if (node.isTextual()) {
      return JsonNodeFactory.instance.textNode(hashed(mac, node.asText()));
    }
    if (node.isObject()) {
      return data(node, mac, Set.of());
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : node) {
        out.add(hashedTree(item, mac));
      }
      return out;
    }
    return node.deepCopy(); // numbers, booleans, null: in clear, as OpenBao
  }

  /** The HMAC of {@code value}, or the value itself when the device logs raw ({@code mac} null). */
  private static String hashed(Mac mac, String value) {
    return mac == null ? value : AuditSalt.hash(mac, value);
  }

  private static void putIfSet(ObjectNode o, String name, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(name, value);
    }
  }
}
