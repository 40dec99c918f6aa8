package io.brine.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * Loads a Google Wycheproof vector file that the build placed on the test classpath
 * (scripts/fetch-wycheproof.sh). A missing file fails the test: vectors are never optional.
 */
public final class Wycheproof {
  private Wycheproof() {}

  public static JsonNode load(String fileName) {
    String resource = "/wycheproof/" + fileName;
    try (InputStream in = Wycheproof.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is not on the test classpath; the build runs scripts/fetch-wycheproof.sh");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] hex(JsonNode node, String field) {
    return HexFormat.of().parseHex(node.get(field).asText());
  }

  /** "tcId 12 (comment)" for failure lists. */
  public static String id(JsonNode test) {
    String comment = test.path("comment").asText();
    return "tcId " + test.get("tcId").asInt() + (comment.isEmpty() ? "" : " (" + comment + ")");
  }
}
