package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brine operator rotate}: a new barrier keyring term ({@code PUT /v1/sys/rotate}, then
 * {@code GET /v1/sys/key-status} for the new term), or with
 * {@code --root-key} a new root key ({@code PUT /v1/sys/rotate/root}). Neither changes the shares.
 */
@Command(
    name = "rotate",
    mixinStandardHelpOptions = true,
    description = {
      "Add a new keyring term: new writes use it, older terms stay readable.",
      "With --root-key, replace the root key that encrypts the keyring instead.",
      "The unseal and recovery shares do not change. Needs a root token."
    })
final class Rotate extends OperatorCommand {
  @Option(names = "--root-key", description = "Rotate the root key, not the keyring.")
  boolean rootKey;

  @Override
  protected int run(OperatorClient api, Output output) {
    if (rootKey) {
      JsonNode answer = api.put("/v1/sys/rotate/root", null);
      if (output.isTable()) {
        output.line("Success! Rotated the root key; the key shares did not change.");
      } else {
        output.answer(answer);
      }
      return ExitCodes.OK;
    }
    // 204, as OpenBao answers; the new term is read back as bao operator rotate reads it.
    api.put("/v1/sys/rotate", null);
    JsonNode keyring = data(api.get("/v1/sys/key-status"));
    if (!output.isTable()) {
      output.answer(keyring);
      return ExitCodes.OK;
    }
    if (!keyring.has("term")) {
      throw unexpected("term");
    }
    output.line("Success! Rotated key");
    output.line("");
    Table table =
        Table.plain()
            .row("Key Term", keyring.path("term").asInt())
            .row("Install Time", text(keyring, "install_time"));
    if (keyring.has("encryptions")) {
      table.row("Encryption Count", keyring.path("encryptions").asLong());
    }
    output.table(table);
    return ExitCodes.OK;
  }
}
