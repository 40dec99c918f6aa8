package io.brine.vault.kv;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 7386 JSON merge patch over the maps Jackson reads, as OpenBao's PATCH on data/ applies. */
final class MergePatch {
  private MergePatch() {}

  static Map<String, Object> apply(Map<String, Object> target, Map<String, Object> patch) {
    Map<String, Object> result = new LinkedHashMap<>(target);
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object value = e.getValue();
      if (value == null) {
        result.remove(e.getKey());
      } else if (value instanceof Map<?, ?> patchChild) {
        Object existing = result.get(e.getKey());
        Map<String, Object> base =
            existing instanceof Map<?, ?> m ? stringKeys(m) : new LinkedHashMap<>();
        result.put(e.getKey(), apply(base, stringKeys(patchChild)));
      } else {
        result.put(e.getKey(), value);
      }
    }
    return result;
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }
}
