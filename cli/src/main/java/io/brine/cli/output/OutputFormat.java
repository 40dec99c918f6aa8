package io.brine.cli.output;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Salt's outputters that brine has, by their {@code --out} names. */
public enum OutputFormat {
  /** Salt's default: the minion id, then its return indented, dicts under {@code ----------}. */
  NESTED,
  /** One JSON object per minion as it returns; one for all with {@code --static}. */
  JSON,
  /** As json, in YAML. */
  YAML,
  /** {@code id: value} lines, a multi-line string one line each. */
  TXT,
  /** The Python repr of {@code {id: value}}, as Salt's raw outputter prints it. */
  RAW,
  /** Nothing: only the exit code says how it went. */
  QUIET,
  /**
   * Salt's highstate: each state's ID, function, result, comment and changes, then a summary; the
   * default for the functions that run states. Any other value is printed nested.
   */
  HIGHSTATE;

  /**
   * The format called {@code name}; {@code text}, brine's name before it had Salt's, is nested.
   *
   * @throws IllegalArgumentException naming the formats there are
   */
  public static OutputFormat of(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("text")) {
      return NESTED;
    }
    for (OutputFormat format : values()) {
      if (format.cliName().equals(lower)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "--out must be one of " + names() + " (or text, the same as nested), not '" + name + "'");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static String names() {
    return Arrays.stream(values()).map(OutputFormat::cliName).collect(Collectors.joining(", "));
  }

  /** Whether scripts read it: the verbose lines then go to stderr, not into the document. */
  public boolean machineReadable() {
    return this == JSON || this == YAML || this == RAW;
  }
}
