package io.brine.cli.operator;

import io.brine.cli.ExitCodes;
import picocli.CommandLine.Command;

/** {@code brine operator seal}: needs a root token; wipes the keys from the master's memory. */
@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    description = {
      "Seal the vault; needs a root token (--token or BRINE_TOKEN).",
      "The master forgets the root key, the keyring and its own private key."
    })
final class Seal extends OperatorCommand {
  @Override
  protected int run(OperatorClient api, Output output) {
    api.put("/v1/sys/seal", null);
    if (output.isTable()) {
      output.line("Success! Vault is sealed.");
    }
    return ExitCodes.OK;
  }
}
