package io.brine.cli.kv;

import picocli.CommandLine.Command;

/** {@code brine kv undelete -versions=N PATH}: brings soft-deleted versions back. */
@Command(
    name = "undelete",
    mixinStandardHelpOptions = true,
    description = {
      "Bring soft-deleted versions of a secret back.",
      "  brine kv undelete -versions=3 -mount=secret db/prod"
    })
final class KvUndelete extends KvVersionsWrite {
  @Override
  String verb() {
    return "undelete";
  }
}
