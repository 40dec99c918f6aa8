package io.brine.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Salt's nested outputter: a dict's keys each on a line with {@code :}, its values 4 spaces
 * further in; a dict that is not at the top under {@code ----------}; list items after {@code - }
 * (a list or dict item under {@code |_}, 2 further in); a multi-line string one line each;
 * {@code True}, {@code False}, {@code None} as Python writes them.
 *
 * <p>Colours as Salt's: keys cyan, strings green, numbers and booleans light yellow, and a
 * failed return's structure red.
 */
final class Nested {
  private final Colors colors;
  private final boolean failed;
  private final List<String> lines = new ArrayList<>();

  private Nested(Colors colors, boolean failed) {
    this.colors = colors;
    this.failed = failed;
  }

  /** The lines of {@code {id: value}} as Salt's nested outputter prints it, each with a newline. */
  static String minion(String id, JsonNode value, Colors colors, boolean failed) {
    Nested nested = new Nested(colors, failed);
    nested.line(0, failed ? colors.red() : colors.green(), id + ":", "");
    nested.display(value, 4, "");
    StringBuilder out = new StringBuilder();
    nested.lines.forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  /** {@code value} alone, {@code indent} spaces in: the changes of a state in highstate output. */
  static String block(JsonNode value, int indent, Colors colors) {
    Nested nested = new Nested(colors, false);
    nested.display(value, indent, "");
    StringBuilder out = new StringBuilder();
    nested.lines.forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  private void display(JsonNode value, int indent, String prefix) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      line(indent, colors.lightYellow(), "None", prefix);
    } else if (value.isBoolean()) {
      line(indent, colors.lightYellow(), value.asBoolean() ? "True" : "False", prefix);
    } else if (value.isNumber()) {
      line(indent, colors.lightYellow(), value.asText(), prefix);
    } else if (value.isTextual()) {
      if (value.asText().isEmpty()) {
        return; // Python's "".splitlines() is empty: nothing under the key
      }
      boolean first = true;
      for (String text : value.asText().split("\r?\n", -1)) {
        line(indent, colors.green(), text, first ? prefix : " ".repeat(prefix.length()));
        first = false;
      }
      if (value.asText().endsWith("\n")) {
        lines.remove(lines.size() - 1); // Python's splitlines drops the empty piece after it
      }
    } else if (value.isArray()) {
      String color = failed ? colors.red() : colors.green();
      for (JsonNode item : value) {
        if (item.isContainerNode()) {
          line(indent, color, "|_", "");
          display(item, indent + 2, item.isObject() ? "" : "- ");
        } else {
          display(item, indent, "- ");
        }
      }
    } else if (value.isObject()) {
      if (indent > 0) {
        line(indent, failed ? colors.red() : colors.cyan(), "----------", "");
      }
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        line(indent, colors.cyan(), field.getKey() + ":", prefix);
        display(field.getValue(), indent + 4, "");
      }
    } else {
      line(indent, colors.green(), value.asText(), prefix);
    }
  }

  private void line(int indent, String color, String text, String prefix) {
    if (text.isEmpty() && prefix.isEmpty()) {
      lines.add(" ".repeat(indent).stripTrailing());
      return;
    }
    lines.add(" ".repeat(indent) + color + prefix + text + colors.end());
  }
}
