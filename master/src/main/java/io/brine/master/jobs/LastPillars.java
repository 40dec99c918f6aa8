package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pillar this master compiled last for each minion, in memory only, for pillar targets ({@code
 * -I}, {@code I@}, {@code J@}) as Salt's master matches them on its pillar cache: a minion whose
 * pillar has not been compiled since the master started is no match. The cache is never written:
 * pillar may carry secrets from the vault. Forgotten at seal; a minion whose key is gone is no
 * longer among the accepted keys a target is resolved over.
 */
public final class LastPillars {
  private final Map<MinionId, Map<String, Object>> byMinion = new ConcurrentHashMap<>();

  /** After a compile for {@code id}: the pillar sent to it. */
  public void compiled(MinionId id, Map<String, Object> pillar) {
    // Not Map.copyOf: a pillar value may be null (YAML "key:" with nothing after it).
    byMinion.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(pillar)));
  }

  /** The pillar compiled last for {@code id}, or null. */
  public Map<String, Object> pillar(MinionId id) {
    return byMinion.get(id);
  }

  /** At seal: what pillar held is unreachable while the vault is sealed, so is its copy here. */
  public void forgetAll() {
    byMinion.clear();
  }
}
