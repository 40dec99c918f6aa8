package io.brine.cli.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.ExitCodes;
import picocli.CommandLine.Command;

/**
 * {@code brine operator master-key-status}: the master's key epoch and fingerprint, and the
 * previous keys still answering minions pinned to them ({@code GET /v1/sys/master-key}).
 */
@Command(
    name = "master-key-status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the master's key: its epoch, its fingerprint (as salt-key -F master and",
      "master_finger write it), and the previous keys still in their grace."
    })
final class MasterKeyStatus extends OperatorCommand {
  @Override
  protected int run(OperatorClient api, Output output) {
    JsonNode data = data(api.get("/v1/sys/master-key"));
    if (!output.isTable()) {
      output.answer(data);
      return ExitCodes.OK;
    }
    output.table(MasterKeyTable.of(data));
    return ExitCodes.OK;
  }
}
