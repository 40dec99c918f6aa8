package io.brine.cli.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.brine.cli.CliException;
import java.io.PrintWriter;

/**
 * Where a command's result goes. With {@code --format json} or {@code yaml} a command prints the
 * API's answer and nothing else, so scripts can parse stdout; with {@code table} it prints for a
 * person.
 */
public final class Output {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private final PrintWriter out;
  private final Format format;

  Output(PrintWriter out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** A one-field object, for the few answers brine makes up itself. */
  public static JsonNode object(String field, String value) {
    return JSON.createObjectNode().put(field, value);
  }

  public boolean isTable() {
    return format == Format.TABLE;
  }

  public PrintWriter out() {
    return out;
  }

  public void line(String text) {
    out.println(text);
  }

  public void table(Table table) {
    table.print(out);
  }

  /**
   * Prints the API's answer as JSON or YAML, unchanged. A call answered with 204 has nothing to
   * print: the exit code says it worked.
   */
  public void answer(JsonNode answer) {
    if (answer == null || isTable()) {
      return;
    }
    try {
      String text =
          format == Format.JSON ? JSON.writeValueAsString(answer) : YAML.writeValueAsString(answer);
      out.println(text.stripTrailing());
    } catch (JsonProcessingException e) {
      throw new CliException("cannot print the answer: " + e.getOriginalMessage(), e);
    }
  }
}
