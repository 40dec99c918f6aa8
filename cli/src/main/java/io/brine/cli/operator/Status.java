package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import picocli.CommandLine.Command;

/**
 * {@code brine operator status}, and {@code brine status} as {@code bao status}: exit 0 unsealed, 2
 * sealed, 1 when the master cannot answer. Public for {@code Brine}, which lists it at the top too.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the vault's seal status.",
    footer = {
      "",
      "Exit codes: 0 unsealed, 2 sealed or not initialized, 1 error (e.g. the master is down)."
    })
public final class Status extends OperatorCommand {
  @Override
  protected int run(OperatorClient api, Output output) {
    JsonNode status = api.get("/v1/sys/seal-status");
    if (output.isTable()) {
      output.table(SealStatusTable.of(status));
    } else {
      output.answer(status);
    }
    return status.path("sealed").asBoolean(true) ? ExitCodes.SEALED : ExitCodes.OK;
  }
}
