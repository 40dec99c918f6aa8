package io.brine.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One mapping of the config file, read with the checks every key needs: known keys only, the right
 * type, relative paths taken from the config file's folder. Every failure names the file and the
 * dotted key ({@code vault.seal.lib}). A key given as {@code null} (or with no value) counts as
 * absent.
 */
public final class YamlSection {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * The top-level mapping of a YAML config file.
   *
   * @throws ConfigException naming the file for a missing file, bad YAML, or an empty file
   */
  public static YamlSection readFile(Path file) throws ConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid YAML" + syntaxError(e), e);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such config file", e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the config file: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(file + ": the config file is empty");
    }
    if (!root.isObject()) {
      throw new ConfigException(file + ": expected a mapping of keys at the top level");
    }
    return new YamlSection(file, "", root);
  }

  /**
   * " at line 3, column 1: found a tab character ..." from a YAML error. SnakeYAML's own problem and
   * its mark, not Jackson's location (the last token read, often the line before) nor the first
   * line of its message (the context, "while scanning for the next token", without the cause);
   * the context follows with where it started. Lines and columns count from 1.
   */
  public static String syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      String problem = yaml.getProblem() == null ? "syntax error" : yaml.getProblem().strip();
      if (problem.contains("\\t(TAB)")) {
        problem = "found a tab character that violates indentation (YAML indents with spaces only)";
      }
      String context = "";
      if (yaml.getContext() != null && yaml.getContextMark() != null) {
        context =
            " ("
                + yaml.getContext().strip()
                + " started at line "
                + (yaml.getContextMark().getLine() + 1)
                + ", column "
                + (yaml.getContextMark().getColumn() + 1)
                + ")";
      }
      return " at line "
          + (yaml.getProblemMark().getLine() + 1)
          + ", column "
          + (yaml.getProblemMark().getColumn() + 1)
          + ": "
          + problem
          + context;
    }
    String reason = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
    return e.getLocation() == null
        ? ": " + reason
        : " at line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ": "
            + reason;
  }

  private final Path file;
  private final String prefix;
  private final JsonNode node;

  public YamlSection(Path file, String prefix, JsonNode node) {
    this.file = file;
    this.prefix = prefix;
    this.node = node;
  }

  /** Refuses any key not in {@code known}, listing the ones that are. */
  public void requireOnly(Set<String> known) throws ConfigException {
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

  public boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** True when the key holds a string (OpenBao's configs write numbers and booleans as strings). */
  public boolean isString(String key) {
    return has(key) && node.get(key).isTextual();
  }

  /** True when the key holds a mapping (a nested section). */
  public boolean isMapping(String key) {
    return has(key) && node.get(key).isObject();
  }

  /** A nested mapping, or null when the key is absent. */
  public YamlSection section(String key) throws ConfigException {
    if (!has(key)) {
      return null;
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      throw fail(key, "expected a mapping of keys, got " + describe(value));
    }
    return new YamlSection(file, qualified(key), value);
  }

  /** A list of mappings ({@code - {a: 1}}), each a section named {@code key[i]}; empty when absent. */
  public List<YamlSection> sectionList(String key) throws ConfigException {
    if (!has(key)) {
      return List.of();
    }
    JsonNode value = node.get(key);
    if (!value.isArray()) {
      throw fail(key, "expected a list of mappings, got " + describe(value));
    }
    List<YamlSection> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isObject()) {
        throw fail(key, "expected a list of mappings, got an entry that is " + describe(item));
      }
      out.add(new YamlSection(file, qualified(key) + "[" + i + "]", item));
    }
    return List.copyOf(out);
  }

  /**
   * The whole mapping as plain values (maps, lists, strings, numbers, booleans, nulls), in file
   * order: for a key whose contents are free-form, such as the minion's {@code grains:}.
   */
  /** One key's value as plain values (see {@link #values}), or null when absent. */
  public Object plain(String key) {
    return has(key) ? YAML.convertValue(node.get(key), Object.class) : null;
  }

  public Map<String, Object> values() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      out.put(field.getKey(), YAML.convertValue(field.getValue(), Object.class));
    }
    return out;
  }

  /**
   * A mapping of scalars as strings ({@code true} as "true", {@code 8} as "8"), in file order;
   * empty when absent.
   */
  public Map<String, String> stringMap(String key) throws ConfigException {
    if (!has(key)) {
      return Map.of();
    }
    JsonNode value = node.get(key);
    if (!value.isObject()) {
      throw fail(key, "expected a mapping of keys, got " + describe(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isValueNode() || field.getValue().isNull()) {
        throw fail(key + "." + field.getKey(), "expected a value, got " + describe(field.getValue()));
      }
      out.put(field.getKey(), field.getValue().asText());
    }
    return out;
  }

  public String string(String key, String fallback) throws ConfigException {
    if (!has(key)) {
      return fallback;
    }
    JsonNode value = node.get(key);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw fail(key, "expected a non-empty string, got " + describe(value));
    }
    return value.asText().trim();
  }

  /** A string that must be one of {@code allowed} (compared without case); lower-cased. */
  public String oneOf(String key, String fallback, List<String> allowed) throws ConfigException {
    String value = string(key, fallback);
    String lower = value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
    if (lower != null && !allowed.contains(lower)) {
      throw fail(key, "expected one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
    return lower;
  }

  public String requiredString(String key) throws ConfigException {
    String value = string(key, null);
    if (value == null) {
      throw fail(key, "required key is missing");
    }
    return value;
  }

  public long integer(String key, long fallback, long min, long max) throws ConfigException {
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

  public boolean bool(String key, boolean fallback) throws ConfigException {
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
  public Path path(String key) throws ConfigException {
    String value = string(key, null);
    return value == null ? null : resolve(key, value);
  }

  /**
   * A list of paths ({@code [a, b]}, or one path alone), each taken from the config file's folder
   * when relative. Empty when absent.
   */
  public List<Path> paths(String key) throws ConfigException {
    if (!has(key)) {
      return List.of();
    }
    JsonNode value = node.get(key);
    if (value.isTextual()) {
      return List.of(path(key));
    }
    if (!value.isArray()) {
      throw fail(key, "expected a list of paths, got " + describe(value));
    }
    List<Path> paths = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw fail(key, "expected a list of paths, got an entry that is " + describe(item));
      }
      paths.add(resolve(key, item.asText().trim()));
    }
    return List.copyOf(paths);
  }

  /**
   * A list of non-empty strings ({@code [a, b]}, or one string alone), trimmed, in file order.
   * Empty when absent; a list with no entries is an error.
   */
  public List<String> strings(String key) throws ConfigException {
    if (!has(key)) {
      return List.of();
    }
    JsonNode value = node.get(key);
    if (value.isTextual()) {
      return List.of(string(key, null));
    }
    if (!value.isArray()) {
      throw fail(key, "expected a string or a list of strings, got " + describe(value));
    }
    if (value.isEmpty()) {
      throw fail(key, "the list is empty");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        throw fail(key, "entry " + (i + 1) + " is " + describe(item) + ", expected a string");
      }
      out.add(item.asText().trim());
    }
    return List.copyOf(out);
  }

  public Path requiredPath(String key) throws ConfigException {
    return resolve(key, requiredString(key));
  }

  public Path resolve(String key, String value) throws ConfigException {
    try {
      Path p = Path.of(value);
      return p.isAbsolute() ? p.normalize() : folder().resolve(p).normalize();
    } catch (InvalidPathException e) {
      throw fail(key, "not a valid path: " + e.getReason());
    }
  }

  public ConfigException fail(String key, String problem) {
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
