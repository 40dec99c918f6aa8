package io.brine.cli.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.brine.cli.CliException;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --out text|json|yaml} of {@code brine jobs active} and {@code brine jobs kill}: text is
 * theirs to lay out; json and yaml print one document at the end.
 */
final class Documents {
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

  private Documents() {}

  static Format format(CommandSpec spec, String out) {
    try {
      return Format.valueOf(out.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--out must be text, json or yaml, not '" + out + "'");
    }
  }

  static void print(PrintWriter out, Format format, JsonNode document) {
    try {
      String text =
          format == Format.YAML
              ? YAML.writeValueAsString(document)
              : JSON.writeValueAsString(document) + "\n";
      out.print(text);
      out.flush();
    } catch (JsonProcessingException e) {
      throw new CliException("cannot print the answer: " + e.getOriginalMessage());
    }
  }

  static ObjectMapper mapper() {
    return JSON;
  }
}
