package io.brine.cli.operator;

/** {@code --format}: a table for people, or the API's answer as JSON or YAML for scripts. */
public enum Format {
  TABLE,
  JSON,
  YAML
}
