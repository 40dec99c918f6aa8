package io.brine.cli.policy;

import io.brine.cli.operator.OperatorCommand;
import picocli.CommandLine.Parameters;

/** A policy command on one named policy: {@code write}, {@code read}, {@code delete}. */
abstract class PolicyNameCommand extends OperatorCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The policy's name.")
  String typedName;

  /** The name as the master stores it; a usage error when there is no name to send. */
  String name() {
    String name = PolicyName.normalize(typedName);
    if (name == null) {
      throw usage("'" + typedName.strip() + "' is not a policy name");
    }
    return name;
  }
}
