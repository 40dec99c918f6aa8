package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.operator.Table;
import io.brine.cli.token.DurationFlag;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * bao's table output for the KV commands ({@code command/kv_helpers.go} and the table formatter):
 * a path under a title padded with '=' to the path's width ({@code == Secret Path ==}), a map
 * under its title padded to the width of its longest key plus nine, and the "Key / Value" table
 * with its keys sorted, values as Go's {@code %v} prints them, trimmed, "n/a" when empty, and
 * whole numbers under duration-like keys ({@code ttl}, {@code *_period}, ...) as durations.
 */
final class KvTables {
  private KvTables() {}

  /** {@code outputPath}: the title, the path, a blank line. */
  static void path(PrintWriter out, String title, String path) {
    out.println(padEqualSigns(title, path.length()));
    out.println(path);
    out.println();
  }

  /** {@code getHeaderForMap}: "4 for the column spaces and 5 for the len("value")". */
  static String headerFor(String title, JsonNode map) {
    int longest = 0;
    for (Map.Entry<String, JsonNode> entry : fields(map).entrySet()) {
      longest = Math.max(longest, entry.getKey().length());
    }
    return padEqualSigns(title, longest + 4 + 5);
  }

  /**
   * {@code padEqualSigns}: as many '=' as make the line {@code width} long, evenly on both sides
   * (one more when odd), and two a side when the title alone is wider.
   */
  static String padEqualSigns(String title, int width) {
    int signs = width - (title.length() + 2);
    if (signs <= 0) {
      signs = 4;
    }
    if (signs % 2 != 0) {
      signs++;
    }
    String side = "=".repeat(signs / 2);
    return side + " " + title + " " + side;
  }

  /** Prints the map's "Key / Value" table; nothing at all when it has no keys, as bao. */
  static void table(PrintWriter out, JsonNode map) {
    Map<String, JsonNode> fields = fields(map);
    if (fields.isEmpty()) {
      return;
    }
    Table table = Table.withHeading();
    fields.forEach((key, value) -> table.row(key, cell(key, value)));
    table.print(out);
  }

  /** One value as the table shows it. */
  static String cell(String key, JsonNode value) {
    String text =
        looksLikeDuration(key) && value.isIntegralNumber() && value.canConvertToLong()
            ? DurationFlag.human(value.asLong())
            : goText(value);
    String trimmed = text.strip();
    return trimmed.isEmpty() ? "n/a" : trimmed;
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
      fields(value).forEach((k, v) -> items.add(k + ":" + goText(v)));
      return "map[" + String.join(" ", items) + "]";
    }
    return value.asText();
  }

  /** bao's {@code looksLikeDuration}. */
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

  /** An object's fields sorted by key, as Go sorts a map's; empty for anything else. */
  static Map<String, JsonNode> fields(JsonNode object) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    if (object != null && object.isObject()) {
      object.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    }
    return sorted;
  }
}
