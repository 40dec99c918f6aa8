package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv metadata get PATH}: {@code GET /v1/secret/metadata/PATH}, printed as bao: the
 * path, the secret's metadata, then each version's in ascending order.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Show a secret's metadata and its versions (no data).",
      "  brine kv metadata get -mount=secret db/prod"
    })
final class KvMetadataGet extends KvPathCommand {
  @Mixin KvField field;

  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    KvPath path = resolve(api, onePath(arguments));
    String shown = path.shown("metadata");
    JsonNode answer = api.getOrNull("reading " + shown, path.api("metadata"));
    if (answer == null) {
      throw new KvServerError("No value found at " + shown);
    }
    JsonNode metadata = answer.path("data");
    if (field.name != null) {
      return printField(metadata, field.name, output);
    }
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    JsonNode versions = metadata.path("versions");
    if (!versions.isObject()) {
      throw new KvServerError("No value found at " + shown);
    }
    ObjectNode secret = ((ObjectNode) metadata).deepCopy();
    secret.remove("versions");
    warnings(answer);
    PrintWriter out = output.out();
    KvTables.path(out, "Metadata Path", shown);
    out.println(KvTables.headerFor("Metadata", secret));
    KvTables.table(out, secret);
    for (Map.Entry<Integer, JsonNode> version : byNumber(versions).entrySet()) {
      out.println();
      out.println(KvTables.headerFor("Version " + version.getKey(), version.getValue()));
      KvTables.table(out, version.getValue());
    }
    return ExitCodes.OK;
  }

  /** bao sorts the versions as numbers: 2 before 10. */
  private static Map<Integer, JsonNode> byNumber(JsonNode versions) {
    Map<Integer, JsonNode> sorted = new TreeMap<>();
    for (Map.Entry<String, JsonNode> version : KvTables.fields(versions).entrySet()) {
      try {
        sorted.put(Integer.parseInt(version.getKey()), version.getValue());
      } catch (NumberFormatException e) {
        throw new KvServerError(
            "the master's metadata names a version that is not a number: " + version.getKey());
      }
    }
    return sorted;
  }
}
