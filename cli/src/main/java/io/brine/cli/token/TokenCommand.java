package io.brine.cli.token;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code brine token}: the master's token store ({@code /v1/auth/token/*}), with {@code bao
 * token}'s subcommands, flags and output. Flags take bao's single dash ({@code -policy=web}) or
 * two ({@code --policy web}).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Create, look up, renew and revoke tokens, as bao token does.",
    subcommands = {
      TokenCreate.class,
      TokenLookup.class,
      TokenRenew.class,
      TokenRevoke.class,
      TokenCapabilities.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Environment: BRINE_ADDR (the master's address), BRINE_TOKEN (the calling token),",
      "BRINE_CACERT (the CA of an https address)."
    })
public final class TokenCommand {}
