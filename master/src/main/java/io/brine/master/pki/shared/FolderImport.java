package io.brine.master.pki.shared;

import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SharedKeyStore#importFolder} did.
 *
 * @param imported keys copied into the store, by status (every status present)
 * @param unchanged keys the store held already, the same key in the same status
 * @param conflicts keys left out, each with the reason: the store holds another key for that id and
 *     status, or holds the id in another of accepted, pending and rejected
 */
public record FolderImport(
    Map<KeyStatus, Integer> imported, int unchanged, List<KeyChanges.Refusal> conflicts) {
  public FolderImport {
    EnumMap<KeyStatus, Integer> all = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : KeyStatus.values()) {
      all.put(status, imported.getOrDefault(status, 0));
    }
    imported = Collections.unmodifiableMap(all);
    conflicts = List.copyOf(conflicts);
  }

  /** Keys copied, every status together. */
  public int importedTotal() {
    return imported.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** One line for the operator, e.g. "imported 12 keys (10 accepted, 2 pending), 0 unchanged". */
  public String summary() {
    StringBuilder b = new StringBuilder("imported ").append(importedTotal()).append(" key(s) (");
    String sep = "";
    for (Map.Entry<KeyStatus, Integer> e : imported.entrySet()) {
      b.append(sep).append(e.getValue()).append(' ').append(e.getKey().dirName());
      sep = ", ";
    }
    return b.append("), ")
        .append(unchanged)
        .append(" already there, ")
        .append(conflicts.size())
        .append(" left out")
        .toString();
  }
}
