package io.brine.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.operator.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OpenBao answer (a "secret": {@code auth}, {@code data}, {@code lease_duration}, ...) as {@code
 * bao}'s table shows it, so that an operator reading {@code brine token lookup} sees the rows
 * {@code bao token lookup} shows: the token rows of {@code auth}, then {@code data}'s keys sorted,
 * durations in Go's notation, values as Go's {@code %v} prints them ({@code [a b]}, {@code
 * map[k:v]}, {@code <nil>}).
 */
final class SecretTable {
  private SecretTable() {}

  /** The rows, in bao's order; empty when the answer has nothing to show. */
  static Map<String, String> rows(JsonNode answer) {
    Map<String, String> rows = new LinkedHashMap<>();
    if (answer == null || !answer.isObject()) {
      return rows;
    }
    long lease = answer.path("lease_duration").asLong(0);
    if (lease > 0) {
      String leaseId = answer.path("lease_id").asText("");
      if (!leaseId.isEmpty()) {
        rows.put("lease_id", leaseId);
        rows.put("lease_duration", DurationFlag.human(lease));
        rows.put("lease_renewable", String.valueOf(answer.path("renewable").asBoolean(false)));
      } else {
        rows.put("refresh_interval", DurationFlag.human(lease));
      }
    }
    JsonNode auth = answer.path("auth");
    if (auth.isObject()) {
      rows.put("token", auth.path("client_token").asText(""));
      rows.put("token_accessor", auth.path("accessor").asText(""));
      long duration = auth.path("lease_duration").asLong(0);
      // As bao: a token without a lease (a root token) lasts forever.
      rows.put("token_duration", duration == 0 ? "∞" : DurationFlag.human(duration));
      rows.put("token_renewable", String.valueOf(auth.path("renewable").asBoolean(false)));
      rows.put("token_policies", quoted(auth.path("token_policies")));
      rows.put("identity_policies", quoted(auth.path("identity_policies")));
      rows.put("policies", quoted(auth.path("policies")));
      for (Map.Entry<String, JsonNode> meta : sorted(auth.path("metadata")).entrySet()) {
        rows.put("token_meta_" + meta.getKey(), goText(meta.getValue()));
      }
    }
    for (Map.Entry<String, JsonNode> entry : sorted(answer.path("data")).entrySet()) {
      JsonNode value = entry.getValue();
      boolean duration = looksLikeDuration(entry.getKey()) && value.canConvertToLong();
      rows.put(entry.getKey(), duration ? DurationFlag.human(value.asLong()) : goText(value));
    }
    return rows;
  }

  /** The rows under bao's "Key / Value" heading, or null when there is nothing to show. */
  static Table table(JsonNode answer) {
    Map<String, String> rows = rows(answer);
    if (rows.isEmpty()) {
      return null;
    }
    Table table = Table.withHeading();
    rows.forEach(table::row);
    return table;
  }

  /**
   * What {@code -field=NAME} prints: the raw value, as bao's {@code PrintRawField} picks it
   * (token_duration in seconds, not "1h"); null when the answer has no such field.
   */
  static JsonNode field(JsonNode answer, String field) {
    if (answer == null || !answer.isObject()) {
      return null;
    }
    JsonNode auth = answer.path("auth");
    String key = null;
    JsonNode from = answer;
    if (auth.isObject()) {
      from = auth;
      key =
          switch (field) {
            case "token" -> "client_token";
            case "token_accessor" -> "accessor";
            case "token_duration" -> "lease_duration";
            case "token_renewable" -> "renewable";
            case "token_policies" -> "token_policies";
            case "identity_policies" -> "identity_policies";
            case "policies" -> "policies";
            default -> null;
          };
    } else if (List.of("lease_duration", "lease_id", "request_id", "renewable").contains(field)) {
      key = field;
    } else if (field.equals("refresh_interval")) {
      key = "lease_duration";
    }
    JsonNode value = key == null ? answer.path("data").path(field) : from.path(key);
    return value.isMissingNode() ? null : value;
  }

  /** Go's {@code %v}: strings bare, lists {@code [a b]}, maps {@code map[k:v]}, null {@code <nil>}. */
  static String goText(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "<nil>";
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(goText(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (value.isObject()) {
      List<String> items = new ArrayList<>();
      sorted(value).forEach((k, v) -> items.add(k + ":" + goText(v)));
      return "map[" + String.join(" ", items) + "]";
    }
    return value.asText();
  }

  /** Go's {@code %q} of a string list: {@code ["default" "web"]}; no list prints {@code []}. */
  static String quoted(JsonNode list) {
    List<String> items = new ArrayList<>();
    if (list.isArray()) {
      for (JsonNode item : list) {
        items.add('"' + item.asText().replace("\\", "\\\\").replace("\"", "\\\"") + '"');
      }
    }
    return "[" + String.join(" ", items) + "]";
  }

  /** bao prints these keys' numbers as durations. */
  private static boolean looksLikeDuration(String key) {
    return key.equals("period")
        || key.endsWith("_period")
        || key.equals("ttl")
        || key.endsWith("_ttl")
        || key.equals("duration")
        || key.endsWith("_duration")
        || key.equals("lease_max")
        || key.equals("ttl_max");
  }

  private static Map<String, JsonNode> sorted(JsonNode object) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    if (object.isObject()) {
      for (Map.Entry<String, JsonNode> entry : object.properties()) {
        sorted.put(entry.getKey(), entry.getValue());
      }
    }
    return sorted;
  }
}
