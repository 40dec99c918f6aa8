package io.brine.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON value as Python's {@code repr} prints the value Salt would hold: {@code True}, {@code
 * None}, {@code 'text'}, {@code [1, 2]}, {@code {'key': 'value'}}. Salt's raw and txt outputters
 * print this.
 */
public final class PythonRepr {
  private PythonRepr() {}

  public static String of(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(JsonNode value, StringBuilder out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      out.append("None");
    } else if (value.isBoolean()) {
      out.append(value.asBoolean() ? "True" : "False");
    } else if (value.isTextual()) {
      string(value.asText(), out);
    } else if (value.isNumber()) {
      out.append(value.asText());
    } else if (value.isArray()) {
      out.append('[');
      for (int i = 0; i < value.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        write(value.get(i), out);
      }
      out.append(']');
    } else if (value.isObject()) {
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!first) {
          out.append(", ");
        }
        first = false;
        string(field.getKey(), out);
        out.append(": ");
        write(field.getValue(), out);
      }
      out.append('}');
    } else {
      string(value.asText(), out); // binary, POJO: never in a return read from JSON
    }
  }

  /** Python's choice: single quotes, unless the text has one and no double quote. */
  static void string(String text, StringBuilder out) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    text.codePoints()
        .forEach(
            c -> {
              if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    out.append(quote);
  }
}
