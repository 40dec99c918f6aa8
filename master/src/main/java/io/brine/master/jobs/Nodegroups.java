package io.brine.master.jobs;

import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's nodegroups, from the master config's {@code nodegroups:} as Salt writes them: a name
 * mapped to a compound expression, or to a list (each entry one word of a compound, or, when none
 * is an operator or a matcher, a list of ids: {@code L@}); the mapping may also be written as a
 * list of one-entry mappings (Salt 2017.7). A group may use another through {@code N@}; a cycle
 * is refused. Minions do not know nodegroups, so the master expands one into the compound
 * expression it publishes ({@link #target}). Immutable.
 */
public final class Nodegroups {
  public static final Nodegroups NONE = new Nodegroups(Map.of());

  private static final Set<String> OPERATORS = Set.of("and", "or", "not", "(", ")");

  /** Each group's words, as written. */
  private final Map<String, List<String>> groups;

  private Nodegroups(Map<String, List<String>> groups) {
    this.groups = groups;
  }

  /**
   * Reads {@code nodegroups:} (plain YAML values) and checks that every group expands and parses.
   *
   * @throws IllegalArgumentException with one line naming the group
   */
  public static Nodegroups parse(Object raw) {
    if (raw == null) {
      return NONE;
    }
    Map<String, Object> named = new LinkedHashMap<>();
    if (raw instanceof Map<?, ?> map) {
      map.forEach((k, v) -> named.put(String.valueOf(k), v));
    } else if (raw instanceof List<?> list) {
      for (Object entry : list) {
        if (!(entry instanceof Map<?, ?> one) || one.size() != 1) {
          throw new IllegalArgumentException(
              "expected a mapping of group names, or a list of one-entry mappings");
        }
        one.forEach((k, v) -> named.put(String.valueOf(k), v));
      }
    } else {
      throw new IllegalArgumentException("expected a mapping of group names to compound targets");
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : named.entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '@')) {
        throw new IllegalArgumentException(
            "group name '" + name + "' must be printable ASCII without blanks or '@'");
      }
      groups.put(name, words(name, e.getValue()));
    }
    Nodegroups parsed = new Nodegroups(Map.copyOf(groups));
    for (String name : groups.keySet()) {
      try {
        parsed.target(name);
      } catch (ProtocolException ex) {
        throw new IllegalArgumentException("group '" + name + "': " + ex.getMessage());
      }
    }
    return parsed;
  }

  private static List<String> words(String name, Object value) {
    if (value instanceof String text) {
      List<String> words = split(text);
      if (words.isEmpty()) {
        throw new IllegalArgumentException("group '" + name + "' is empty");
      }
      return words;
    }
    if (value instanceof List<?> list) {
      List<String> entries = new ArrayList<>();
      for (Object entry : list) {
        if (!(entry instanceof String) && !(entry instanceof Number)) {
          throw new IllegalArgumentException(
              "group '" + name + "': each entry of the list must be a string");
        }
        String word = String.valueOf(entry).strip();
        if (word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)) {
          // The publication carries the expansion as one string, split on blanks by the minion.
          throw new IllegalArgumentException(
              "group '" + name + "': the entry '" + word + "' is empty or has blanks");
        }
        entries.add(word);
      }
      if (entries.isEmpty()) {
        throw new IllegalArgumentException("group '" + name + "' is empty");
      }
      boolean compound =
          entries.stream().anyMatch(w -> OPERATORS.contains(w) || w.contains("@"));
      return compound ? entries : List.of("L@" + String.join(",", entries));
    }
    throw new IllegalArgumentException(
        "group '" + name + "' must be a compound target or a list");
  }

  public boolean isEmpty() {
    return groups.isEmpty();
  }

  /**
   * The target of {@code -N name}: the group's compound expression with every {@code N@} in it
   * expanded.
   *
   * @throws ProtocolException for an unknown group, a cycle, or an expansion that does not parse
   */
  public Target target(String name) throws ProtocolException {
    return target(name, Target.DEFAULT_DELIMITER);
  }

  public Target target(String name, String delimiter) throws ProtocolException {
    List<String> out = new ArrayList<>();
    expandGroup(name, new ArrayList<>(), out);
    return Target.of("compound", String.join(" ", out), delimiter);
  }

  /**
   * A compound expression as the operator wrote it, its {@code N@} words expanded: what the
   * publication carries.
   */
  public Target compound(String expression, String delimiter) throws ProtocolException {
    List<String> words = split(expression);
    if (words.stream().noneMatch(w -> w.startsWith("N@"))) {
      return Target.of("compound", expression, delimiter);
    }
    List<String> out = new ArrayList<>();
    expandWords(words, new ArrayList<>(), out);
    return Target.of("compound", String.join(" ", out), delimiter);
  }

  /**
   * The target an API request names (Salt's tgt_type), a nodegroup or an N@ expanded.
   *
   * @throws ProtocolException with one line when it is not a valid target
   */
  public Target resolve(String type, String expression, String delimiter)
      throws ProtocolException {
    return switch (type) {
      case "nodegroup" -> target(expression.strip(), delimiter);
      case "compound" -> compound(expression, delimiter);
      default -> Target.of(type, expression, delimiter);
    };
  }

  private void expandGroup(String name, List<String> path, List<String> out)
      throws ProtocolException {
    List<String> words = groups.get(name);
    if (words == null) {
      throw new ProtocolException(
          "no nodegroup '"
              + name
              + "' in the master config"
              + (groups.isEmpty() ? " (it has no nodegroups:)" : " (it has " + names() + ")"));
    }
    if (path.contains(name)) {
      path.add(name);
      throw new ProtocolException("nodegroups refer to each other in a cycle: " + String.join(" -> ", path));
    }
    path.add(name);
    expandWords(words, path, out);
    path.remove(path.size() - 1);
  }

  private void expandWords(List<String> words, List<String> path, List<String> out)
      throws ProtocolException {
    for (String word : words) {
      if (word.startsWith("N@")) {
        out.add("(");
        expandGroup(word.substring(2), path, out);
        out.add(")");
      } else {
        out.add(word);
      }
      if (out.size() > 4 * Target.MAX_EXPRESSION_LENGTH) {
        throw new ProtocolException("nodegroup expands to more than a target may hold");
      }
    }
  }

  private String names() {
    return String.join(", ", new java.util.TreeSet<>(groups.keySet()));
  }

  private static List<String> split(String text) {
    return new ArrayList<>(
        Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList());
  }
}
