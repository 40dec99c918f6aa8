package io.brine.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.OperatorCommand;
import io.brine.cli.operator.Output;
import picocli.CommandLine.Command;

/**
 * {@code brine policy list}: {@code GET /v1/sys/policies/acl?list=true}, the request bao's client
 * sends for a LIST. One name a line; with {@code -format=json}, the list of names, as bao.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the policies' names (root and default included).")
final class PolicyList extends OperatorCommand {
  @Override
  protected int run(OperatorClient api, Output output) {
    JsonNode answer = api.get("/v1/sys/policies/acl?list=true");
    JsonNode keys = answer == null ? null : answer.path("data").path("keys");
    if (keys == null || !keys.isArray()) {
      throw new CliException("the master's answer has no list of policies");
    }
    if (output.isTable()) {
      keys.forEach(key -> output.line(key.asText()));
    } else {
      output.answer(keys);
    }
    return ExitCodes.OK;
  }
}
