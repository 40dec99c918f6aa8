package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.CliException;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv patch PATH K=V...}: bao's read-then-write method ({@code -method=rw}): read the
 * current version, set the keys given, write it back with check-and-set on the version read, so
 * a write made in between fails instead of being undone. bao's default, an HTTP PATCH, is not
 * offered: the operator client speaks through {@code HttpURLConnection}, which has no PATCH.
 */
@Command(
    name = "patch",
    mixinStandardHelpOptions = true,
    description = {
      "Set some keys of a secret, keeping the others (a new version).",
      "  brine kv patch -mount=secret db/prod port=5432",
      "Needs read and update on secret/data/PATH."
    })
final class KvPatch extends KvPathCommand {
  @Option(
      names = {"-cas", "--cas"},
      paramLabel = "<version>",
      defaultValue = "-1",
      description = "Write only if the current version is this one (default: the version read).")
  int cas;

  @Option(
      names = {"-method", "--method"},
      paramLabel = "<method>",
      description = "rw (read, then write): the only method here.")
  String method;

  @Mixin KvField field;

  @Parameters(paramLabel = "PATH K=V", description = "The secret's path, then the keys to set.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    refuseArgumentFiles();
    if (method != null && !method.equals("rw")) {
      throw new CliException(
          "-method=" + method + " is not offered: brine kv patch reads, then writes (-method=rw)");
    }
    if (arguments.isEmpty()) {
      throw new CliException("Not enough arguments (expected >1, got 0)");
    }
    if (arguments.size() == 1) {
      throw new CliException("Must supply data");
    }
    ObjectNode changes = KvData.parse(arguments.subList(1, arguments.size()), brine().stdin());
    KvPath path = resolve(api, arguments.get(0));
    String shown = path.shown("data");
    JsonNode current = api.getOrNull("doing pre-read at " + shown, path.api("data"));
    if (current == null) {
      throw new KvServerError("No value found at " + shown);
    }
    JsonNode metadata = current.path("data").path("metadata");
    if (!metadata.isObject()) {
      throw new KvServerError(
          "No metadata found at " + shown + "; patch only works on existing data");
    }
    JsonNode data = current.path("data").path("data");
    if (!data.isObject()) {
      throw new KvServerError("No data found at " + shown + "; patch only works on existing data");
    }
    ObjectNode merged = ((ObjectNode) data).deepCopy();
    merged.setAll(changes);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("cas", cas > -1 ? cas : metadata.path("version").asInt());
    JsonNode answer =
        api.put("writing data to " + shown, path.api("data"), KvPut.body(merged, options));
    return printWritten(answer, shown, field.name, output);
  }
}
