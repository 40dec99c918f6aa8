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
 * {@code brine kv put PATH K=V...}: {@code PUT /v1/secret/data/PATH} with {@code {"data": {...},
 * "options": {"cas": N}}}, a new version holding exactly the data given.
 */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Write a new version of a secret, replacing all its keys.",
      "  brine kv put -mount=secret db/prod user=app password=@pw.txt",
      "  brine kv put secret/db/prod - < prod.json",
      "K=V, K=@FILE (the file's text), K=- (stdin), - (a JSON object on stdin)."
    })
final class KvPut extends KvPathCommand {
  @Option(
      names = {"-cas", "--cas"},
      paramLabel = "<version>",
      defaultValue = "-1",
      description =
          "Check-and-set: write only if the current version is this one (0: only if the secret"
              + " does not exist yet).")
  int cas;

  @Mixin KvField field;

  @Parameters(paramLabel = "PATH K=V", description = "The secret's path, then its data.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    refuseArgumentFiles();
    if (arguments.isEmpty()) {
      throw new CliException("Not enough arguments (expected >1, got 0)");
    }
    if (arguments.size() == 1) {
      throw new CliException("Must supply data");
    }
    ObjectNode data = KvData.parse(arguments.subList(1, arguments.size()), brine().stdin());
    KvPath path = resolve(api, arguments.get(0));
    Map<String, Object> options = new LinkedHashMap<>();
    if (cas > -1) {
      options.put("cas", cas);
    }
    String shown = path.shown("data");
    JsonNode answer =
        api.put("writing data to " + shown, path.api("data"), body(data, options));
    return printWritten(answer, shown, field.name, output);
  }

  static Map<String, Object> body(ObjectNode data, Map<String, Object> options) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", data);
    body.put("options", options);
    return body;
  }
}
