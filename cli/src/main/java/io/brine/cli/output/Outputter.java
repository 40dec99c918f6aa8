package io.brine.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prints minions' returns through one of Salt's outputters: each as it comes, as a document
 * {@code {id: value}} of its own (Salt's way without {@code --static}: json is then one object per
 * minion, not one valid document), or with {@code --static} all at the end as one document, the
 * minions in id order.
 */
public final class Outputter {
  /**
   * @param indent json's spaces per level; negative for one line
   */
  public record Options(
      OutputFormat format,
      boolean staticOutput,
      int indent,
      Colors colors,
      String stateOutput,
      boolean stateVerbose) {
    public Options(OutputFormat format, boolean staticOutput, int indent, Colors colors) {
      this(format, staticOutput, indent, colors, "full", true);
    }

    public static Options of(OutputFormat format) {
      return new Options(format, false, PythonJson.DEFAULT_INDENT, Colors.NONE);
    }
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  private final PrintWriter out;
  private final Options options;
  private final Map<String, JsonNode> collected = new TreeMap<>();
  private final Set<String> failed = new HashSet<>();
  private final Map<String, String> notes = new HashMap<>();

  public Outputter(PrintWriter out, Options options) {
    this.out = out;
    this.options = options;
  }

  public Options options() {
    return options;
  }

  /** One minion's return value; {@code failed} colours it red in nested. */
  public void minion(String id, JsonNode value, boolean failed) {
    minion(id, value, failed, null);
  }

  /**
   * As above, with a line nested prints under the minion's value (brine's {@code [retcode N]});
   * the other formats have the value alone.
   */
  public void minion(String id, JsonNode value, boolean failed, String nestedNote) {
    if (nestedNote != null) {
      notes.put(id, nestedNote);
    }
    if (options.staticOutput()) {
      collected.put(id, value);
      if (failed) {
        this.failed.add(id);
      }
      return;
    }
    Map<String, JsonNode> one = new TreeMap<>();
    one.put(id, value);
    out.print(render(one, failed ? Set.of(id) : Set.of()));
    out.flush();
  }

  /** With {@code --static}, prints the document of every minion given; else nothing is left. */
  public void finish() {
    if (options.staticOutput() && !collected.isEmpty()) {
      out.print(render(collected, failed));
    }
    out.flush();
  }

  /** {@code doc} (minion id to value) in this outputter's format, ending with a newline. */
  String render(Map<String, JsonNode> doc, Set<String> failedIds) {
    StringBuilder text = new StringBuilder();
    switch (options.format()) {
      case QUIET:
        break;
      case NESTED:
        doc.forEach(
            (id, value) -> {
              text.append(Nested.minion(id, value, options.colors(), failedIds.contains(id)));
              if (notes.containsKey(id)) {
                text.append(notes.get(id)).append('\n');
              }
            });
        break;
      case HIGHSTATE:
        Highstate highstate =
            new Highstate(
                options.colors(),
                Highstate.StateOutput.of(options.stateOutput()),
                options.stateVerbose());
        doc.forEach((id, value) -> text.append(highstate.minion(id, value, failedIds.contains(id))));
        break;
      case TXT:
        doc.forEach((id, value) -> text.append(txt(id, value)));
        break;
      case RAW:
        text.append(PythonRepr.of(object(doc))).append('\n');
        break;
      case JSON:
        text.append(PythonJson.of(object(doc), options.indent())).append('\n');
        break;
      case YAML:
        try {
          text.append(YAML.writeValueAsString(object(doc)));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("a JSON tree always serializes", e);
        }
        break;
      default:
        throw new IllegalStateException("no outputter for " + options.format());
    }
    return text.toString();
  }

  /** Salt's txt: a string one line each after {@code id: }; anything else as Python prints it. */
  private static String txt(String id, JsonNode value) {
    StringBuilder text = new StringBuilder();
    if (value != null && value.isTextual()) {
      for (String line : value.asText().split("\r?\n")) {
        if (!value.asText().isEmpty()) {
          text.append(id).append(": ").append(line).append('\n');
        }
      }
    } else {
      text.append(id).append(": ").append(PythonRepr.of(value)).append('\n');
    }
    return text.toString();
  }

  private static ObjectNode object(Map<String, JsonNode> doc) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    doc.forEach(node::set);
    return node;
  }
}
