package io.brine.cli.kv;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.Output;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine kv metadata delete PATH}: {@code DELETE /v1/secret/metadata/PATH}, the secret with
 * every version and its settings, for good.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a secret for good: all its versions and its metadata.",
      "  brine kv metadata delete -mount=secret db/prod"
    })
final class KvMetadataDelete extends KvPathCommand {
  @Parameters(paramLabel = "PATH", description = "The secret's path.")
  List<String> arguments = new ArrayList<>();

  @Override
  protected int run(KvApi api, Output output) {
    KvPath path = resolve(api, onePath(arguments));
    String shown = path.shown("metadata");
    api.delete("deleting " + shown, path.api("metadata"));
    if (output.isTable()) {
      output.line("Success! Data deleted (if it existed) at: " + shown);
    }
    return ExitCodes.OK;
  }
}
