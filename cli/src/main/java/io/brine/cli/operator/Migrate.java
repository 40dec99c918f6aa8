package io.brine.cli.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code brine operator migrate [key]}: an unseal with {@code migrate=true}, for a seal migration
 * (Shamir to PKCS#11 or back) that the master's config started.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Give one share of the old seal during a seal migration (Shamir <-> PKCS#11).",
      "Start one by changing the master config's seal block and restarting it."
    })
final class Migrate extends OperatorCommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "<key>",
      description =
          "A share of the old seal (unseal or recovery key), hex or base64. Leave it out to be"
              + " asked without echo.")
  String key;

  @Override
  protected int run(OperatorClient api, Output output) {
    return Unseal.submit(this, api, output, key, true);
  }
}
