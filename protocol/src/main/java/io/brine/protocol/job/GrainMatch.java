package io.brine.protocol.job;

import io.brine.protocol.BoundedMatch;
import io.brine.protocol.IdGlob;
import io.brine.protocol.ProtocolException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Salt's grain match ({@code -G}, {@code -P}, {@code G@}, {@code P@}): {@code key:value}, the key
 * a path into nested grains by the delimiter ({@code locale_info:defaultlanguage:en*}), the value a
 * glob (fnmatch) or a regular expression matched from the start (Python's re.match), both without
 * regard to case, as Salt's. Since a value may itself hold the delimiter, the split is tried at
 * every delimiter, the longest key first. A list-valued grain matches when any element does; a
 * mapping matches {@code *} (the key exists), one of its keys, or a deeper {@code key:value}.
 * Immutable and thread-safe.
 */
final class GrainMatch {
  private final String expression;
  private final String delimiter;
  private final boolean regex;
  /** Compiled value patterns by their text; empty when the text does not compile. */
  private final Map<String, Optional<Pattern>> patterns = new ConcurrentHashMap<>();
  /** Compiled globs by their text (lower case); parts of the expression, so few. */
  private final Map<String, IdGlob> globs = new ConcurrentHashMap<>();

  private GrainMatch(String expression, String delimiter, boolean regex) {
    this.expression = expression;
    this.delimiter = delimiter;
    this.regex = regex;
  }

  /**
   * @throws ProtocolException when the expression has no delimiter (no value to match) or, for a
   *     regex, no split of it gives a value that compiles
   */
  static GrainMatch of(String expression, String delimiter, boolean regex)
      throws ProtocolException {
    int at = expression.indexOf(delimiter);
    if (at <= 0 || at + delimiter.length() > expression.length()) {
      throw new ProtocolException(
          "grain target '"
              + expression
              + "' needs a key and a value: key"
              + delimiter
              + "value (e.g. os"
              + delimiter
              + "Debian)");
    }
    GrainMatch match = new GrainMatch(expression, delimiter, regex);
    if (regex) {
      String value = expression.substring(at + delimiter.length());
      try {
        Pattern.compile(value, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      } catch (PatternSyntaxException e) {
        throw new ProtocolException(
            "grain target '"
                + expression
                + "': '"
                + value
                + "' is not a valid regular expression: "
                + e.getDescription());
      }
    }
    return match;
  }

  /** The grain's name as an operator reads it: the text before the first delimiter. */
  String key() {
    return expression.substring(0, expression.indexOf(delimiter));
  }

  /** The value matched against, as an operator reads it. */
  String value() {
    return expression.substring(expression.indexOf(delimiter) + delimiter.length());
  }

  boolean matches(Map<String, ?> grains) {
    return subdictMatch(grains, expression, 0);
  }

  private boolean subdictMatch(Map<?, ?> data, String expr, int depth) {
    if (depth > JobJson.MAX_NESTING) {
      return false;
    }
    String[] splits = expr.split(Pattern.quote(delimiter), -1);
    if (splits.length == 1) {
      return false;
    }
    for (int idx = splits.length - 1; idx > 0; idx--) {
      String key = String.join(delimiter, List.of(splits).subList(0, idx));
      Object found;
      String matchstr;
      if (key.equals("*")) {
        found = data;
        matchstr = expr;
      } else {
        matchstr = String.join(delimiter, List.of(splits).subList(idx, splits.length));
        found = traverse(data, key);
      }
      if (found == null) {
        continue;
      }
      if (found instanceof Map<?, ?> map) {
        if (dictMatch(map, matchstr, depth)) {
          return true;
        }
        continue;
      }
      if (found instanceof List<?> list) {
        for (Object member : list) {
          if (member instanceof Map<?, ?> m && dictMatch(m, matchstr, depth)) {
            return true;
          }
          if (valueMatch(member, matchstr)) {
            return true;
          }
        }
        continue;
      }
      if (valueMatch(found, matchstr)) {
        return true;
      }
    }
    return false;
  }

  private boolean dictMatch(Map<?, ?> target, String pattern, int depth) {
    boolean wildcard = pattern.startsWith("*" + delimiter);
    String p = wildcard ? pattern.substring(1 + delimiter.length()) : pattern;
    if (p.equals("*") || target.containsKey(p) || subdictMatch(target, p, depth + 1)) {
      return true;
    }
    if (wildcard) {
      for (Object value : target.values()) {
        if (value instanceof Map<?, ?> m) {
          if (dictMatch(m, p, depth + 1)) {
            return true;
          }
        } else if (value instanceof List<?> list) {
          for (Object item : list) {
            if (valueMatch(item, p)) {
              return true;
            }
          }
        } else if (valueMatch(value, p)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Salt's traverse_dict_and_list: names into mappings, indexes (or a dict's key) into lists. */
  private Object traverse(Map<?, ?> data, String key) {
    Object at = data;
    for (String part : key.split(Pattern.quote(delimiter), -1)) {
      if (at instanceof Map<?, ?> map) {
        at = map.get(part);
      } else if (at instanceof List<?> list) {
        at = listChild(list, part);
      } else {
        return null;
      }
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  private static Object listChild(List<?> list, String part) {
    try {
      int i = Integer.parseInt(part);
      return i >= 0 && i < list.size() ? list.get(i) : null;
    } catch (NumberFormatException e) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> m && m.containsKey(part)) {
          return m.get(part);
        }
      }
      return null;
    }
  }

  private boolean valueMatch(Object target, String pattern) {
    if (target instanceof Map || target instanceof List) {
      return false;
    }
    String text = text(target).toLowerCase(Locale.ROOT);
    if (regex) {
      Optional<Pattern> compiled =
          patterns.computeIfAbsent(
              pattern,
              p -> {
                try {
                  return Optional.of(
                      Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
                } catch (PatternSyntaxException e) {
                  return Optional.empty();
                }
              });
      return compiled.isPresent() && BoundedMatch.lookingAt(compiled.get(), text);
    }
    return globs
        .computeIfAbsent(pattern.toLowerCase(Locale.ROOT), IdGlob::of)
        .matches(text);
  }

  /** Python's str() of a JSON value, which Salt matches: True, False, None, numbers as written. */
  private static String text(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    return value.toString();
  }

  @Override
  public String toString() {
    return expression;
  }
}
