package io.brine.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What the audit entry of a KV request holds of the secret: the audit devices HMAC every string
 * but pass numbers and booleans in clear (OpenBao's rule), so a secret written as {@code
 * {"pin": 1234}} would be in the log as it is. For {@code secret/data/} requests brine turns every
 * scalar inside the secret's {@code data} into its text first, so the device HMACs it too; the
 * version numbers and times around it stay readable.
 */
final class KvAuditData {
  private static final String DATA_PATH = "secret/data/";

  private KvAuditData() {}

  /** The request body as the audit entry should see it. */
  static JsonNode request(String logicalPath, JsonNode body) {
    if (body == null || !body.isObject() || !logicalPath.startsWith(DATA_PATH)) {
      return body;
    }
    JsonNode data = body.get("data");
    if (data == null || !data.isObject()) {
      return body;
    }
    ObjectNode copy = body.deepCopy();
    copy.set("data", asText(data));
    return copy;
  }

  /** The response body (the logical envelope) as the audit entry should see it. */
  static JsonNode response(String logicalPath, JsonNode body) {
    if (body == null || !body.isObject() || !logicalPath.startsWith(DATA_PATH)) {
      return body;
    }
    JsonNode outer = body.get("data");
    if (outer == null || !outer.isObject()) {
      return body;
    }
    JsonNode secret = outer.get("data");
    if (secret == null || !secret.isObject()) {
      return body;
    }
    ObjectNode copy = body.deepCopy();
    ((ObjectNode) copy.get("data")).set("data", asText(secret));
    return copy;
  }

  private static JsonNode asText(JsonNode node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isObject()) {
      ObjectNode out = f.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.set(e.getKey(), asText(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = f.arrayNode();
      node.forEach(item -> out.add(asText(item)));
      return out;
    }
    if (node.isNull()) {
      return node;
    }
    return f.textNode(node.asText());
  }
}
