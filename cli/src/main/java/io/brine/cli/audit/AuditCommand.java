package io.brine.cli.audit;

import picocli.CommandLine.Command;

/**
 * {@code brine audit ...}: the master's audit log, as {@code bao audit} has it, plus {@code
 * verify}, which checks brine's hash chain and signed checkpoints offline. Subcommands are separate
 * classes listed here.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The master's audit devices and their files.",
    subcommands = {VerifyCommand.class})
public final class AuditCommand {}
