package io.brine.cli.policy;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code brine policy}: the master's ACL policies ({@code /v1/sys/policies/acl/*}), with {@code
 * bao policy}'s subcommands and output. Names are lower-cased, as bao does.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Write, read, list and delete ACL policies, as bao policy does.",
    subcommands = {
      PolicyWrite.class,
      PolicyRead.class,
      PolicyList.class,
      PolicyDelete.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Environment: BRINE_ADDR (the master's address), BRINE_TOKEN (a token with",
      "sudo on sys/policies/acl/*), BRINE_CACERT (the CA of an https address)."
    })
public final class PolicyCommand {}
