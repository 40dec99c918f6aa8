package io.brine.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Parameters;

/**
 * {@code undelete} and {@code destroy}: {@code PUT /v1/secret/<verb>/PATH} with {@code
 * {"versions": [...]}}, which bao requires.
 */
abstract class KvVersionsWrite extends KvVersionsCommand {
  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  /** "undelete" or "destroy": the API's prefix and bao's word. */
  abstract String verb();

  @Override
  protected int run(KvApi api, Output output) {
    String typed = onePath(arguments);
    List<Integer> versions = requiredVersions(verb());
    KvPath path = resolve(api, typed);
    String shown = path.shown(verb());
    JsonNode answer =
        api.put("writing data to " + shown, path.api(verb()), Map.of("versions", versions));
    if (!output.isTable()) {
      output.answer(answer);
      return ExitCodes.OK;
    }
    warnings(answer);
    output.line("Success! Data written to: " + shown);
    return ExitCodes.OK;
  }
}
