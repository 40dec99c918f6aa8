package io.brine.cli.kv;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code brine kv metadata}: a secret's versions and settings, not its data. */
@Command(
    name = "metadata",
    mixinStandardHelpOptions = true,
    description = "Read, change or delete a secret's metadata, as bao kv metadata does.",
    subcommands = {
      KvMetadataGet.class,
      KvMetadataPut.class,
      KvMetadataDelete.class,
      HelpCommand.class
    })
final class KvMetadataCommand {}
