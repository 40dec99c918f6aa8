package io.brine.protocol.handshake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reading and writing of the handshake's JSON bodies: an object with exactly the expected
 * fields (unknown, duplicate and missing fields refused), each of the expected JSON type (no
 * coercion), strings and base64 fields bounded. Every failure is a one-line {@link
 * ProtocolException} naming the message and the field.
 */
final class JsonBody {
  /** No handshake body comes near this; a longer one is refused before it is parsed. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxStringLength(MAX_BODY_BYTES)
                          .maxNestingDepth(4)
                          .maxNumberLength(12)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final String what;
  private final JsonNode node;

  private JsonBody(String what, JsonNode node) {
    this.what = what;
    this.node = node;
  }

  /**
   * @param what the message name for error messages, e.g. "HELLO"
   * @param required fields that must be present
   * @param optional fields that may be present
   */
  static JsonBody parse(String what, byte[] body, Set<String> required, Set<String> optional)
      throws ProtocolException {
    if (body.length > MAX_BODY_BYTES) {
      throw new ProtocolException(
          what + " body is " + body.length + " bytes; at most " + MAX_BODY_BYTES + " are allowed");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(
          what + " body is not valid JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ProtocolException(what + " body cannot be read: " + oneLine(e.getMessage()));
    }
    return check(what, node, required, optional);
  }

  private static JsonBody check(
      String what, JsonNode node, Set<String> required, Set<String> optional)
      throws ProtocolException {
    if (node == null || !node.isObject()) {
      throw new ProtocolException(what + " body is not a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!required.contains(name) && !optional.contains(name)) {
        throw new ProtocolException(what + " has an unknown field '" + printable(name) + "'");
      }
    }
    for (String name : required) {
      if (!node.has(name)) {
        throw new ProtocolException(what + " is missing the field '" + name + "'");
      }
    }
    return new JsonBody(what, node);
  }

  boolean has(String field) {
    return node.has(field);
  }

  String string(String field, int maxChars) throws ProtocolException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new ProtocolException(what + " field '" + field + "' must be a string");
    }
    String s = v.textValue();
    if (s.length() > maxChars) {
      throw new ProtocolException(
          what + " field '" + field + "' is " + s.length() + " characters; at most " + maxChars
              + " are allowed");
    }
    return s;
  }

  /** A base64 field (RFC 4648 standard alphabet, padded) of {@code minBytes..maxBytes} bytes. */
  byte[] bytes(String field, int minBytes, int maxBytes) throws ProtocolException {
    String s = string(field, (maxBytes + 2) / 3 * 4);
    byte[] b;
    try {
      b = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(what + " field '" + field + "' is not valid base64");
    }
    if (b.length < minBytes || b.length > maxBytes) {
      String want = minBytes == maxBytes ? "" + minBytes : minBytes + ".." + maxBytes;
      throw new ProtocolException(
          what + " field '" + field + "' is " + b.length + " bytes; expected " + want);
    }
    return b;
  }

  /** Whether {@code field} is the JSON literal {@code true} (false for any other value). */
  boolean isTrue(String field) {
    JsonNode v = node.get(field);
    return v != null && v.isBoolean() && v.booleanValue();
  }

  int integer(String field) throws ProtocolException {
    JsonNode v = node.get(field);
    if (v == null || !v.isInt()) {
      throw new ProtocolException(what + " field '" + field + "' must be a 32-bit integer");
    }
    return v.intValue();
  }

  /** A non-negative integer that may need 64 bits (Unix seconds). */
  long longInteger(String field) throws ProtocolException {
    JsonNode v = node.get(field);
    if (v == null || !(v.isInt() || v.isLong()) || v.longValue() < 0) {
      throw new ProtocolException(
          what + " field '" + field + "' must be a non-negative 64-bit integer");
    }
    return v.longValue();
  }

  JsonBody object(String field, Set<String> required, Set<String> optional)
      throws ProtocolException {
    return check(what + " " + field, node.get(field), required, optional);
  }

  /** An array of at most {@code maxItems} objects, each checked as {@link #object} checks one. */
  List<JsonBody> objects(
      String field, int maxItems, Set<String> required, Set<String> optional)
      throws ProtocolException {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new ProtocolException(what + " field '" + field + "' must be an array");
    }
    if (v.size() > maxItems) {
      throw new ProtocolException(
          what + " field '" + field + "' has " + v.size() + " items; at most " + maxItems
              + " are allowed");
    }
    List<JsonBody> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      items.add(check(what + " " + field + "[" + i + "]", v.get(i), required, optional));
    }
    return items;
  }

  static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode newArray() {
    return MAPPER.createArrayNode();
  }

  static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] toBytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "(no detail)";
    }
    String line = s.replaceAll("\\s+", " ");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 32); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return s.length() > 32 ? sb + "..." : sb.toString();
  }
}
