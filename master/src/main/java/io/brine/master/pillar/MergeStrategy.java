package io.brine.master.pillar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Salt's {@code pillar_source_merging_strategy}: how the pillar of each SLS goes into what the
 * earlier ones made. {@code smart} is Salt's default and, for the yaml renderer brine has, is
 * {@code recurse}: mappings merge key by key at every depth, anything else is replaced by the later
 * value. {@code overwrite} replaces a top-level key's whole value. With Salt's {@code
 * pillar_merge_lists}, a list meeting a list gets the later one's new items appended instead.
 */
public enum MergeStrategy {
  SMART,
  RECURSE,
  OVERWRITE;

  /** The names the config takes, for messages. */
  public static final List<String> NAMES = List.of("smart", "recurse", "overwrite");

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The strategy a config names (already checked against {@link #NAMES}). */
  public static MergeStrategy of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /**
   * {@code later} merged into {@code earlier}, in place; keys keep the place they first had, new
   * keys follow (Salt's dict order).
   */
  public void merge(Map<String, Object> earlier, Map<String, Object> later, boolean mergeLists) {
    if (this == OVERWRITE) {
      // Salt's merge_overwrite: a key both have takes the later value whole.
      earlier.putAll(later);
      return;
    }
    recurse(earlier, later, mergeLists);
  }

  /** Salt's salt.utils.dictupdate.update, recursively. */
  private static void recurse(Map<String, Object> into, Map<?, ?> from, boolean mergeLists) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object before = into.get(key);
      Object after = e.getValue();
      if (before instanceof Map<?, ?> a && after instanceof Map<?, ?> b) {
        // A copy: a map may be shared (a YAML alias), and the earlier one stays as it was.
        Map<String, Object> merged = copyOf(a);
        recurse(merged, b, mergeLists);
        into.put(key, merged);
      } else if (mergeLists && before instanceof List<?> a && after instanceof List<?> b) {
        List<Object> merged = new ArrayList<>(a);
        for (Object item : b) {
          if (!merged.contains(item)) {
            merged.add(item);
          }
        }
        into.put(key, merged);
      } else {
        into.put(key, after);
      }
    }
  }

  private static Map<String, Object> copyOf(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }
}
