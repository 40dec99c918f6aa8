package io.brine.cli.kv;

import picocli.CommandLine.Option;

/** bao's {@code -field}, on the commands whose answer has fields ({@code put}, {@code get}, ...). */
final class KvField {
  @Option(
      names = {"-field", "--field"},
      paramLabel = "<key>",
      description =
          "Print only this key's value, bare (no line break when stdout is not a terminal);"
              + " with -format=json, as JSON.")
  String name;
}
