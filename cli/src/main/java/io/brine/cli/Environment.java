package io.brine.cli;

import java.util.List;
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

  /** The first of {@code names} that is set and not blank, or null. */
  default String firstOf(List<String> names) {
    for (String name : names) {
      String value = getOrDefault(name, null);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * The operator API's address: {@code BRINE_ADDR}, else OpenBao's {@code BAO_ADDR}, else Vault's
   * {@code VAULT_ADDR}, so an OpenBao operator's shell works unchanged; null when none is set.
   */
  default String apiAddress() {
    return firstOf(List.of("BRINE_ADDR", "BAO_ADDR", "VAULT_ADDR"));
  }

  /** The token: {@code BRINE_TOKEN}, else {@code BAO_TOKEN}, else {@code VAULT_TOKEN}. */
  default String apiToken() {
    return firstOf(List.of("BRINE_TOKEN", "BAO_TOKEN", "VAULT_TOKEN"));
  }

  /**
   * An https address's CA file: {@code BRINE_CACERT}, else {@code BAO_CACERT}, else {@code
   * VAULT_CACERT}.
   */
  default String apiCaCert() {
    return firstOf(List.of("BRINE_CACERT", "BAO_CACERT", "VAULT_CACERT"));
  }

  static Environment system() {
    return System::getenv;
  }

  static Environment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return copy::get;
  }
}
