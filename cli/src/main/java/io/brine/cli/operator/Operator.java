package io.brine.cli.operator;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code brine operator}: the vault's life cycle over the master's operator API, as {@code bao
 * operator}. Not runnable itself: without a subcommand picocli reports a usage error.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Initialize, unseal, seal and rotate the master's vault.",
    subcommands = {
      Init.class,
      Unseal.class,
      Seal.class,
      Status.class,
      Rekey.class,
      Rotate.class,
      RotateMasterKey.class,
      MasterKeyStatus.class,
      GenerateRoot.class,
      Migrate.class,
      HsmCreateKey.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Environment: BRINE_ADDR (the master's address), BRINE_TOKEN (a root token),",
      "BRINE_CACERT (the CA of an https address), BRINE_LOG=debug. When a BRINE_* name",
      "is unset, OpenBao's BAO_ADDR, BAO_TOKEN, BAO_CACERT are read, then VAULT_*."
    })
public final class Operator {}
