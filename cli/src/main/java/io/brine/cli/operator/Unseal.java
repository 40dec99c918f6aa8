package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brine operator unseal [key]}: one share per call; the master keeps the progress. Without a
 * key it asks for one without echo (or reads a line of stdin when there is no terminal).
 */
@Command(
    name = "unseal",
    mixinStandardHelpOptions = true,
    description = {
      "Give the vault one unseal key share; run it once per share up to the threshold.",
      "Under PKCS#11 auto-unseal, after a manual seal, give recovery key shares."
    })
final class Unseal extends OperatorCommand {
  static final String PROMPT = "Unseal Key (will be hidden): ";

  @Parameters(
      arity = "0..1",
      paramLabel = "<key>",
      description =
          "A share, hex or base64. Leave it out to be asked without echo: a share given here"
              + " stays in shell history.")
  String key;

  @Option(
      names = "--reset",
      description =
          "Discard the shares given so far from this host. With a share as proof (not counted),"
              + " discard everyone's.")
  boolean reset;

  @Option(
      names = "--migrate",
      description =
          "Give a share of the old seal during a seal migration (as brine operator migrate).")
  boolean migrate;

  @Override
  protected int run(OperatorClient api, Output output) {
    if (reset) {
      if (migrate) {
        throw usage("--reset takes no --migrate");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reset", true);
      if (key != null) {
        body.put("key", key);
      }
      return print(api.put("/v1/sys/unseal", body), output);
    }
    return submit(this, api, output, key, migrate);
  }

  /** Sends one share (asking for it when {@code key} is null) and prints the seal status. */
  static int submit(
      OperatorCommand command, OperatorClient api, Output output, String key, boolean migrate) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", command.shareOrPrompt(key, PROMPT));
    if (migrate) {
      body.put("migrate", true);
    }
    return print(api.put("/v1/sys/unseal", body), output);
  }

  private static int print(JsonNode status, Output output) {
    if (output.isTable()) {
      output.table(SealStatusTable.of(status));
    } else {
      output.answer(status);
    }
    return ExitCodes.OK;
  }
}
