package io.brine.cli.kv;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv delete PATH}: a soft delete, undone by {@code undelete}. The current version
 * with {@code DELETE /v1/secret/data/PATH}, chosen ones with {@code PUT /v1/secret/delete/PATH}.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Soft-delete a secret's current version, or -versions=1,2 (undelete brings them back).",
      "  brine kv delete -mount=secret db/prod"
    })
final class KvDelete extends KvVersionsCommand {
  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    String typed = onePath(arguments);
    List<Integer> versions = versions();
    KvPath path = resolve(api, typed);
    String shown;
    if (versions.isEmpty()) {
      shown = path.shown("data");
      api.delete("deleting " + shown, path.api("data"));
    } else {
      shown = path.shown("delete");
      api.put("deleting " + shown, path.api("delete"), Map.of("versions", versions));
    }
    if (output.isTable()) {
      output.line("Success! Data deleted (if it existed) at: " + shown);
    }
    return ExitCodes.OK;
  }
}
