package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv list PATH}: bao's LIST on {@code /v1/secret/metadata/PATH}, the keys under a
 * folder, a folder's ending in '/'. With {@code -format=json}, the list as the master gave it, or
 * {@code {}} and exit 2 when there is none, as bao.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List the secrets and folders under a path.",
      "  brine kv list -mount=secret db",
      "  brine kv list secret/"
    })
final class KvList extends KvPathCommand {
  @Parameters(paramLabel = "PATH", description = "The folder.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    KvPath path = resolve(api, onePath(arguments));
    String shown = path.shown("metadata");
    JsonNode answer = api.listOrNull("listing " + shown, path.api("metadata"));
    JsonNode keys = answer == null ? null : answer.path("data").path("keys");
    if (!output.isTable()) {
      if (keys == null || !keys.isArray()) {
        output.answer(JsonNodeFactory.instance.objectNode());
        return KvServerError.EXIT_CODE;
      }
      output.answer(keys);
      return ExitCodes.OK;
    }
    if (answer == null || !answer.path("data").isObject()) {
      throw new KvServerError("No value found at " + shown);
    }
    if (!keys.isArray()) {
      throw new KvServerError("No entries found at " + shown);
    }
    List<String> sorted = new ArrayList<>();
    keys.forEach(key -> sorted.add(key.asText()));
    sorted.sort(null);
    output.line("Keys");
    output.line("----");
    sorted.forEach(output::line);
    return ExitCodes.OK;
  }
}
