package io.brine.cli.kv;

import io.brine.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** A command on some versions of a secret ({@code delete}, {@code undelete}, {@code destroy}). */
abstract class KvVersionsCommand extends KvPathCommand {
  @Option(
      names = {"-versions", "--versions"},
      paramLabel = "<n,...>",
      split = ",",
      description = "The versions, comma-separated or the flag repeated: -versions=1,2.")
  List<String> typedVersions = new ArrayList<>();

  /** The versions as numbers, checked here so that a typo is exit 1 before anything is sent. */
  List<Integer> versions() {
    List<Integer> versions = new ArrayList<>();
    for (String typed : typedVersions) {
      String version = typed.strip();
      if (version.isEmpty()) {
        continue;
      }
      try {
        int number = Integer.parseInt(version);
        if (number < 0) {
          throw new NumberFormatException();
        }
        versions.add(number);
      } catch (NumberFormatException e) {
        throw new CliException("-versions takes version numbers (1,2,3), not '" + version + "'");
      }
    }
    return versions;
  }

  /** Undelete and destroy: bao's message when {@code -versions} is missing. */
  List<Integer> requiredVersions(String verb) {
    List<Integer> versions = versions();
    if (versions.isEmpty()) {
      throw new CliException(
          "No versions provided, use the \"-versions\" flag to specify the version to "
              + verb + ".");
    }
    return versions;
  }
}
