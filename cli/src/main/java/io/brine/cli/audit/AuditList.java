package io.brine.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine audit list [-detailed]}: {@code GET /v1/sys/audit}, printed as bao does: Path, Type
 * and Description, sorted by path; {@code -detailed} adds Replication and the options ({@code
 * KEY=VALUE}, sorted). With {@code -format=json} the answer's {@code data} (devices by path), as
 * bao prints it. As bao, no device at all prints "No audit devices are enabled." and exits 2.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the enabled audit devices (-detailed: with their options).")
final class AuditList extends OperatorCommand {
  /** bao audit list's exit code when no device is enabled. */
  static final int NONE_ENABLED = 2;

  @Option(
      names = {"-detailed", "--detailed"},
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "Also print each device's replication and options.")
  boolean detailed;

  @Override
  protected int run(OperatorClient api, Output output) {
    JsonNode answer = api.get("/v1/sys/audit");
    JsonNode devices = answer == null ? null : answer.get("data");
    if (devices == null || !devices.isObject()) {
      throw unexpected("list of audit devices");
    }
    if (!output.isTable()) {
      output.answer(devices);
      return ExitCodes.OK;
    }
    if (devices.isEmpty()) {
      output.line("No audit devices are enabled.");
      return NONE_ENABLED;
    }
    Columns table =
        detailed
            ? new Columns("Path", "Type", "Description", "Replication", "Options")
            : new Columns("Path", "Type", "Description");
    Map<String, JsonNode> sorted = new TreeMap<>();
    devices.properties().iterator().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
      JsonNode device = e.getValue();
      String path = device.hasNonNull("path") ? text(device, "path") : e.getKey();
      if (detailed) {
        table.row(
            path,
            text(device, "type"),
            text(device, "description"),
            device.path("local").asBoolean() ? "local" : "replicated",
            options(device.path("options")));
      } else {
        table.row(path, text(device, "type"), text(device, "description"));
      }
    }
    table.print(output.out());
    return ExitCodes.OK;
  }

  private static String options(JsonNode options) {
    List<String> pairs = new ArrayList<>();
    Map<String, String> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = options.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      sorted.put(e.getKey(), e.getValue().asText());
    }
    sorted.forEach((k, v) -> pairs.add(k + "=" + v));
    return String.join(" ", pairs);
  }
}
