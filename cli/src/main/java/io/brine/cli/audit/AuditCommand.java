package io.brine.cli.audit;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code brine audit ...}: the master's audit log, as {@code bao audit} has it, plus {@code
 * verify}, which checks brine's hash chain and signed checkpoints offline. Subcommands are separate
 * classes listed here.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The master's audit devices and their files.",
    subcommands = {
      AuditEnable.class,
      AuditDisable.class,
      AuditList.class,
      VerifyCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Environment: BRINE_ADDR (the master's address), BRINE_TOKEN (a token with",
      "sudo on sys/audit/*), BRINE_CACERT (the CA of an https address)."
    })
public final class AuditCommand {}
