package io.brine.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a job's returns as Salt's outputters do: {@code text} (Salt's default "nested" layout:
 * the minion id, then its return indented four spaces), {@code json} and {@code yaml} (one object
 * of minion id to return, at the end, for scripts).
 */
final class Returns {
  enum Format {
    TEXT,
    JSON,
    YAML
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private final PrintWriter out;
  private final Format format;
  private final Map<String, JsonNode> collected = new TreeMap<>();

  Returns(PrintWriter out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** One minion's return, {@code {"return", "retcode", "success"}}: printed now in text. */
  void add(String id, JsonNode ret) {
    collected.put(id, ret.path("return"));
    if (format == Format.TEXT) {
      out.println(id + ":");
      JsonNode value = ret.path("return");
      for (String line : text(value).split("\n", -1)) {
        out.println("    " + line);
      }
      if (ret.path("retcode").asInt() != 0) {
        out.println("    [retcode " + ret.path("retcode").asInt() + "]");
      }
      out.flush();
    }
  }

  /** The minions that did not return: listed under the returns in text, null in json/yaml. */
  void missing(List<String> ids) {
    for (String id : ids) {
      if (format == Format.TEXT) {
        out.println(id + ":");
        out.println("    Minion did not return. [No response]");
      } else {
        collected.put(id, null);
      }
    }
    out.flush();
  }

  /** json and yaml print everything at the end, as one document. */
  void finish() {
    if (format == Format.TEXT) {
      return;
    }
    ObjectNode all = JSON.createObjectNode();
    collected.forEach(all::set);
    try {
      out.print(
          format == Format.JSON
              ? JSON.writeValueAsString(all) + System.lineSeparator()
              : YAML.writeValueAsString(all));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    out.flush();
  }

  /** Scalars as Salt prints them (True, False, the string itself); structures as YAML. */
  static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "None";
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "True" : "False";
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    if (value.isEmpty()) {
      return value.isArray() ? "[]" : "{}";
    }
    try {
      return YAML.writeValueAsString(value).stripTrailing();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static Format format(String name) {
    return Format.valueOf(name.toUpperCase(Locale.ROOT));
  }
}
