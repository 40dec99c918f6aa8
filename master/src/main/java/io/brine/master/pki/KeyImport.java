package io.brine.master.pki;

import io.brine.protocol.MinionId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link MinionKeyStore#importKeys} did (or, for a dry run, would do).
 *
 * @param imported keys copied into the store, in the order they were written
 * @param unchanged keys the store held already: the same key in the same status
 * @param conflicts keys left out, each with the reason: the store holds another key for that id and
 *     status, or holds the id in another of accepted, pending and rejected, or the audit log could
 *     not record the import
 * @param dryRun true when nothing was written: the outcome is what an import would do now
 */
public record KeyImport(
    List<Placed> imported, List<Placed> unchanged, List<KeyChanges.Refusal> conflicts,
    boolean dryRun) {
  public KeyImport {
    imported = List.copyOf(imported);
    unchanged = List.copyOf(unchanged);
    conflicts = List.copyOf(conflicts);
  }

  /** One key by id and status. */
  public record Placed(MinionId id, KeyStatus status) {
    public Placed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
    }
  }

  /** Keys copied, by status; every status present. */
  public Map<KeyStatus, Integer> importedByStatus() {
    EnumMap<KeyStatus, Integer> counts = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : KeyStatus.values()) {
      counts.put(status, 0);
    }
    imported.forEach(p -> counts.merge(p.status(), 1, Integer::sum));
    return Collections.unmodifiableMap(counts);
  }

  /**
   * One line for the operator and the log, e.g. "imported 3 key(s) (2 accepted, 1 pending, 0
   * rejected, 0 denied), 0 unchanged, 1 conflict(s)".
   */
  public String summary() {
    StringBuilder b =
        new StringBuilder(dryRun ? "would import " : "imported ")
            .append(imported.size())
            .append(" key(s) (");
    String sep = "";
    for (Map.Entry<KeyStatus, Integer> e : importedByStatus().entrySet()) {
      b.append(sep).append(e.getValue()).append(' ').append(KeyRules.label(e.getKey()));
      sep = ", ";
    }
    return b.append("), ")
        .append(unchanged.size())
        .append(" unchanged, ")
        .append(conflicts.size())
        .append(" conflict(s)")
        .toString();
  }
}
