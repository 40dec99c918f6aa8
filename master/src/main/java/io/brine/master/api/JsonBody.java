package io.brine.master.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.brine.vault.InvalidRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A request body: one JSON object (an empty body counts as {@code {}}), read with typed getters
 * that answer 400 for a field of the wrong type. Unknown fields are ignored, as OpenBao does.
 */
final class JsonBody {
  private static final int MAX_REASON_CHARS = 160;
  private static final JsonBody EMPTY = new JsonBody(ApiJson.object());

  private final JsonNode object;

  private JsonBody(JsonNode object) {
    this.object = object;
  }

  static JsonBody parse(ByteBuf content) throws InvalidRequestException {
    if (!content.isReadable()) {
      return EMPTY;
    }
    JsonNode node;
    try (InputStream in = new ByteBufInputStream(content.duplicate())) {
      node = ApiJson.MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("failed to parse JSON input: " + shortReason(e));
    } catch (IOException e) {
      throw new InvalidRequestException("failed to parse JSON input: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      return EMPTY; // whitespace only
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(
          "failed to parse JSON input: expected a JSON object, got "
              + node.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return new JsonBody(node);
  }

  /** Given, and neither null, "" nor []: how OpenBao tells an option was used. */
  boolean isSet(String name) {
    JsonNode v = object.get(name);
    return v != null
        && !v.isNull()
        && !(v.isTextual() && v.asText().isEmpty())
        && !(v.isArray() && v.isEmpty());
  }

  /** The body's top-level fields, in order (for the policy's parameter rules and audit). */
  Iterator<Map.Entry<String, JsonNode>> fields() {
    return object.properties().iterator();
  }

  /** The whole body as a JSON object ({@code {}} when empty). */
  JsonNode tree() {
    return object;
  }

  /** The raw value, or null when absent. */
  JsonNode node(String name) {
    return object.get(name);
  }

  /** The string, or null when absent or null. */
  String string(String name) throws InvalidRequestException {
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidRequestException("'" + name + "' must be a string");
    }
    return v.asText();
  }

  /** The whole number, or 0 when absent or null (the vault reads 0 as "not given"). */
  int integer(String name) throws InvalidRequestException {
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidRequestException("'" + name + "' must be a whole number");
    }
    return v.asInt();
  }

  boolean bool(String name) throws InvalidRequestException {
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new InvalidRequestException("'" + name + "' must be true or false");
    }
    return v.asBoolean();
  }

  /** Jackson's reason without the location and source excerpt: the body may hold a share. */
  private static String shortReason(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    if (reason == null || reason.isBlank()) {
      return "syntax error";
    }
    reason = reason.lines().findFirst().orElse(reason);
    return reason.length() <= MAX_REASON_CHARS
        ? reason
        : reason.substring(0, MAX_REASON_CHARS) + "...";
  }
}
