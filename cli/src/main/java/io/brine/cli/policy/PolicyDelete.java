package io.brine.cli.policy;

import io.brine.cli.ExitCodes;
import io.brine.cli.operator.OperatorClient;
import io.brine.cli.operator.Output;
import picocli.CommandLine.Command;

/**
 * {@code brine policy delete NAME}: {@code DELETE /v1/sys/policies/acl/NAME}. As OpenBao, deleting
 * a policy that does not exist succeeds; tokens that named it keep the name, which then grants
 * nothing.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a policy (root and default cannot be deleted).")
final class PolicyDelete extends PolicyNameCommand {
  @Override
  protected int run(OperatorClient api, Output output) {
    String name = name();
    api.delete(PolicyName.path(name));
    if (output.isTable()) {
      output.line("Success! Deleted policy: " + name);
    }
    return ExitCodes.OK;
  }
}
