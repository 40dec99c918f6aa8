package io.brine.cli.kv;

import picocli.CommandLine.Command;

/** {@code brine kv destroy -versions=N PATH}: erases versions' data for good; the metadata stays. */
@Command(
    name = "destroy",
    mixinStandardHelpOptions = true,
    description = {
      "Erase versions of a secret for good (their metadata stays, marked destroyed).",
      "  brine kv destroy -versions=1,2 -mount=secret db/prod"
    })
final class KvDestroy extends KvVersionsWrite {
  @Override
  String verb() {
    return "destroy";
  }
}
