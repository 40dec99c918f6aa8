package io.brine.cli.output;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON as Salt's json outputter writes it (Python's {@code json.dumps}): with an indent, one
 * member per line, {@code "key": value}, empty containers as {@code {}} and {@code []}; without
 * one (a negative {@code --out-indent}), one line with {@code ", "} and {@code ": "} between.
 * Keys stay in the order the minion sent them.
 */
public final class PythonJson {
  /** Salt's json outputter indents by 4 unless {@code --out-indent} says otherwise. */
  public static final int DEFAULT_INDENT = 4;

  private PythonJson() {}

  /** @param indent spaces per level; negative for one line */
  public static String of(JsonNode value, int indent) {
    StringBuilder out = new StringBuilder();
    write(value, indent, 0, out);
    return out.toString();
  }

  private static void write(JsonNode value, int indent, int level, StringBuilder out) {
    if (value == null || value.isMissingNode()) {
      out.append("null");
    } else if (value.isTextual()) {
      quoted(value.asText(), out);
    } else if (value.isArray() || value.isObject()) {
      boolean object = value.isObject();
      if (value.isEmpty()) {
        out.append(object ? "{}" : "[]");
        return;
      }
      out.append(object ? '{' : '[');
      Iterator<Map.Entry<String, JsonNode>> fields = object ? value.properties().iterator() : null;
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(indent < 0 ? ", " : ",");
        }
        newline(indent, level + 1, out);
        if (object) {
          Map.Entry<String, JsonNode> field = fields.next();
          quoted(field.getKey(), out);
          out.append(": ");
          write(field.getValue(), indent, level + 1, out);
        } else {
          write(value.get(i), indent, level + 1, out);
        }
      }
      newline(indent, level, out);
      out.append(object ? '}' : ']');
    } else {
      out.append(value.toString()); // numbers, booleans, null
    }
  }

  private static void newline(int indent, int level, StringBuilder out) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void quoted(String text, StringBuilder out) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(text, out);
    out.append('"');
  }
}
