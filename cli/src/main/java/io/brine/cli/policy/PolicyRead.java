package io.brine.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.cli.CliException;
import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import picocli.CommandLine.Command;

/**
 * {@code brine policy read NAME}: {@code GET /v1/sys/policies/acl/NAME}. Prints the policy's text
 * as it was written; with {@code -format=json}, {@code {"policy": "..."}}, as bao prints it.
 */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    description = "Print a policy's text, as it was written.")
final class PolicyRead extends PolicyNameCommand {
  private static final int NOT_FOUND = 404;

  @Override
  protected int run(OperatorClient api, Output output) {
    String name = name();
    JsonNode answer;
    try {
      answer = api.get(PolicyName.path(name));
    } catch (OperatorClient.ApiError e) {
      if (e.status() == NOT_FOUND) {
        throw new CliException("no policy named " + name, e);
      }
      throw e;
    }
    JsonNode policy = answer == null ? null : answer.path("data").path("policy");
    if (policy == null || !policy.isTextual()) {
      throw new CliException("the master's answer has no policy text for " + name);
    }
    if (output.isTable()) {
      output.line(policy.asText().strip());
    } else {
      output.answer(Output.object("policy", policy.asText()));
    }
    return ExitCodes.OK;
  }
}
