package io.brine.master.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of the config file, read with the checks every key needs: known keys only, the right
 * type, relative paths taken from the config file's folder. Every failure names the file and the
 * dotted key ({@code vault.seal.lib}). A key given as {@code null} (or with no value) counts as
 * absent.
 */
final class YamlSection {
  private final Path file;
  private final String prefix;
  private final JsonNode node;

  YamlSection(Path file, String prefix, JsonNode node) {
    this.file = file;
    this.prefix = prefix;
    this.node = node;
  }

  /** Refuses any key not in {@code known}, listing the ones that are. */
  void requireOnly(Set<String> known) throws ConfigException {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String hint =
            name.toLowerCase(Locale.ROOT).contains("pin")
                ? "; the PIN never goes in the config file: use pin_env or pin_file"
                : "; known keys here: " + String.join(", ", new TreeSet<>(known));
        throw fail(name, "unknown key" + hint);
      }
    }
  }

  boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** A nested mapping, or null when the key is absent. */
  YamlSection section(String key) throws ConfigException {
    if (!has(key)) {
      return null;
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      throw fail(key, "expected a mapping of keys, got " + describe(value));
    }
    return new YamlSection(file, qualified(key), value);
  }

  String string(String key, String fallback) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw fail(key, "expected a non-empty string, got " + describe(value));
    }
    return value.asText().trim();
  }

  String requiredString(String key) throws ConfigException {
    String value = string(key, null);
    if (value == null) {
      throw fail(key, "required key is missing");
    }
    return value;
  }

  long integer(String key, long fallback, long min, long max) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw fail(key, "expected a whole number, got " + describe(value));
    }
    long n = value.asLong();
    if (n < min || n > max) {
      throw fail(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  boolean bool(String key, boolean fallback) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isBoolean()) {
      throw fail(key, "expected true or false, got " + describe(value));
    }
    return value.asBoolean();
  }

  /** A path; a relative one is taken from the config file's folder. Null when absent. */
  Path path(String key) throws ConfigException {
    String value = string(key, null);
    return value == null ? null : resolve(key, value);
  }

  Path requiredPath(String key) throws ConfigException {
    return resolve(key, requiredString(key));
  }

  Path resolve(String key, String value) throws ConfigException {
    try {
      Path p = Path.of(value);
      return p.isAbsolute() ? p.normalize() : folder().resolve(p).normalize();
    } catch (InvalidPathException e) {
      throw fail(key, "not a valid path: " + e.getReason());
    }
  }

  ConfigException fail(String key, String problem) {
    return new ConfigException(file + ": " + qualified(key) + ": " + problem);
  }

  private Path folder() {
    Path parent = file.toAbsolutePath().getParent();
    return parent != null ? parent : file.toAbsolutePath().getRoot();
  }

  private String qualified(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /** The kind of a value, never the value itself: a misplaced PIN must not reach a log. */
  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return value.asText().isBlank() ? "an empty string" : "a string";
    }
    if (value.isNumber()) {
      return "a number";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    return value.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
