package io.brine.cli.kv;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code brine kv}: the master's KV version 2 engine at {@code secret/}, with {@code bao kv}'s
 * subcommands, flags, paths ({@code secret/db/prod} or {@code -mount=secret db/prod}), output and
 * exit codes. Flags take bao's single dash ({@code -field=password}) or two.
 */
@Command(
    name = "kv",
    mixinStandardHelpOptions = true,
    description = "Write, read, list and delete secrets, as bao kv does.",
    subcommands = {
      KvPut.class,
      KvGet.class,
      KvPatch.class,
      KvList.class,
      KvDelete.class,
      KvUndelete.class,
      KvDestroy.class,
      KvMetadataCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Exit codes, as bao's: 0 ok, 1 the command line is wrong, 2 the master refused",
      "(no such secret included) or could not be reached.",
      "Environment: BRINE_ADDR (the master's address), BRINE_TOKEN (the calling token),",
      "BRINE_CACERT (the CA of an https address); BAO_* and VAULT_* work too."
    })
public final class KvCommand {}
