package io.brine.common.config;

/**
 * The master's config file cannot be used: it is missing or unreadable, is not YAML, has an unknown
 * key, lacks a required key, or has a bad value. The message is one line that names the file and
 * the key, e.g. {@code /etc/brine/master.yaml: vault.api_addr: expected host:port}.
 */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
