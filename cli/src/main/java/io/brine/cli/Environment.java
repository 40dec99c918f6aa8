package io.brine.cli;

import java.util.Map;

/**
 * Where the CLI reads environment variables ({@code BRINE_ADDR}, {@code BRINE_TOKEN}, ...). A
 * process cannot change its own environment, so tests hand the commands a map instead.
 */
@FunctionalInterface
public interface Environment {
  /** The variable's value, or null when it is unset. */
  String get(String name);

  /** The value, or {@code fallback} when the variable is unset or blank. */
  default String getOrDefault(String name, String fallback) {
    String value = get(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  static Environment system() {
    return System::getenv;
  }

  static Environment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return copy::get;
  }
}
