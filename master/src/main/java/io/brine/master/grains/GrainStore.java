package io.brine.master.grains;

import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.Map;

/**
 * The grains each accepted minion last sent (the {@code grains} call), kept with its key for grain,
 * ipcidr and compound targets: {@link FileGrainStore} on a single master, {@code
 * jobs.shared.SharedGrainStore} on a cluster, so every master resolves a grain target the same.
 * Values are JSON already checked against {@link io.brine.protocol.job.GrainsDocument}'s bounds.
 */
public interface GrainStore {
  /** Keeps {@code json} as {@code id}'s grains, replacing what was there. */
  void put(MinionId id, byte[] json) throws IOException;

  /** Forgets {@code id}'s grains (its key was rejected or deleted). */
  void remove(MinionId id) throws IOException;

  /**
   * The grains as they are now, for resolving one job's target: read once (one query on a
   * cluster), each minion's parsed only when a target asks for it.
   */
  Snapshot snapshot() throws IOException;

  /**
   * {@code id}'s grains as they are now, or null when none are known: for one minion's pillar,
   * which needs no other minion's.
   */
  default Map<String, Object> grains(MinionId id) throws IOException {
    return snapshot().grains(id);
  }

  /** A view of the grains at one moment. */
  interface Snapshot {
    /** {@code id}'s grains, or null when none are known (or they no longer parse). */
    Map<String, Object> grains(MinionId id);

    /** How many minions' grains it holds. */
    int size();
  }

  /** Forgets the grains of every minion whose accepted key {@code changes} took away. */
  default void keysChanged(KeyChanges changes) throws IOException {
    for (KeyChanges.Change change : changes.changes()) {
      if (change.from() == KeyStatus.ACCEPTED && change.to() != KeyStatus.ACCEPTED) {
        remove(change.id());
      }
    }
  }
}
