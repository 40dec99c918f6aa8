package io.brine.protocol.job;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.brine.protocol.ProtocolException;
import java.io.IOException;
import java.util.Map;

/**
 * A minion's grains as they travel and are kept: one JSON object of at most {@link
 * SessionCall#MAX_GRAINS_BYTES} bytes, nested at most {@link SessionCall#MAX_GRAINS_DEPTH} levels.
 * Both ends check the same bounds: the minion before it sends, the master on arrival.
 */
public final class GrainsDocument {
  private GrainsDocument() {}

  /** The grains' JSON, checked against the bounds. */
  public static byte[] encode(Map<String, ?> grains) throws ProtocolException {
    JsonNode tree = JobJson.MAPPER.valueToTree(grains);
    check(tree);
    return JobJson.bytes(tree);
  }

  /** Grains that arrived as {@code node}, checked, as plain Java maps, lists and values. */
  public static Map<String, Object> decode(JsonNode node) throws ProtocolException {
    check(node);
    return JobJson.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() {});
  }

  /** Grains kept as JSON bytes (the master's file or row), checked again on the way in. */
  public static Map<String, Object> decode(byte[] json) throws ProtocolException {
    if (json.length > SessionCall.MAX_GRAINS_BYTES) {
      throw tooLarge(json.length);
    }
    JsonNode node;
    try {
      node = JobJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new ProtocolException("grains are not valid JSON");
    }
    return decode(node);
  }

  private static void check(JsonNode tree) throws ProtocolException {
    if (tree == null || !tree.isObject()) {
      throw new ProtocolException("grains must be a JSON object");
    }
    int depth = depth(tree, 0);
    if (depth > SessionCall.MAX_GRAINS_DEPTH) {
      throw new ProtocolException(
          "grains nest deeper than " + SessionCall.MAX_GRAINS_DEPTH + " levels");
    }
    int size = JobJson.bytes(tree).length;
    if (size > SessionCall.MAX_GRAINS_BYTES) {
      throw tooLarge(size);
    }
  }

  private static ProtocolException tooLarge(int size) {
    return new ProtocolException(
        "grains take " + size + " bytes of JSON; at most " + SessionCall.MAX_GRAINS_BYTES);
  }

  private static int depth(JsonNode node, int level) {
    if (level > SessionCall.MAX_GRAINS_DEPTH || !node.isContainerNode()) {
      return level;
    }
    int deepest = level + 1;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child, level + 1));
    }
    return deepest;
  }
}
