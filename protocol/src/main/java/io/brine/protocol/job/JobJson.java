package io.brine.protocol.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.ProtocolException;
import java.io.IOException;

/**
 * The one JSON mapper of the job layer: duplicate keys and trailing data refused, nesting and
 * string lengths bounded (the frame size bounds the rest), so a hostile peer's JSON costs little.
 */
public final class JobJson {
  /** Deep enough for any real function's arguments and returns (grains are 3 deep). */
  static final int MAX_NESTING = 64;

  public static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private JobJson() {}

  /** Parses a JSON object, or fails with one line naming {@code what}. */
  public static ObjectNode object(String what, byte[] json) throws ProtocolException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new ProtocolException(what + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
