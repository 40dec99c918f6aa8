package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pillar this master compiled last for each minion, in memory only, for pillar targets ({@code
 * -I}, {@code I@}, {@code J@}) as Salt's master matches them on its pillar cache: a minion whose
 * pillar has not been compiled since the master started is no match. The cache is never written:
 * pillar may carry secrets from the vault. Forgotten with the minion's key and at seal.
 */
public final class LastPillars {
  private final Map<MinionId, Map<String, Object>> byMinion = new ConcurrentHashMap<>();

  /** After a compile for {@code id}: the pillar sent to it. */
  public void compiled(MinionId id, Map<String, Object> pillar) {
    byMinion.put(id, Map.copyOf(pillar));
  }

  /** The pillar compiled last for {@code id}, or null. */
  public Map<String, Object> pillar(MinionId id) {
    return byMinion.get(id);
  }

  public void forget(MinionId id) {
    byMinion.remove(id);
  }

  /** At seal: what pillar held is unreachable while the vault is sealed, so is its copy here. */
  public void forgetAll() {
    byMinion.clear();
  }
}
