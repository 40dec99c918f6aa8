package io.brine.master.listener;

import io.brine.master.pki.AcceptedKeys;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an accepted key that went, however it went, and treats its minion as removed: the
 * connection is closed and the publish keys its minion may hold are marked compromised, so nothing
 * is sealed under them again ({@link PublishKeyRotator#markCompromised}): on a cluster, those made
 * before the removal committed, told by the removal's number in the key store's history.
 *
 * <p>Two ways a key goes:
 *
 * <ul>
 *   <li>Through this master (the operator API): {@link MinionKeyStore#acceptedKeyRemovals} grows
 *       before the key goes, so a caller that checks it after sealing cannot miss a removal that
 *       came first ({@link #noticeRemovals}).
 *   <li>Elsewhere (another master, an offline {@code brine key -d}, an operator's {@code rm}, a
 *       key file replaced): a listing is compared with the previous one and with the connected
 *       minions ({@link #reconcile}), at every publish and whenever the store's watch reports a
 *       change.
 * </ul>
 *
 * Both only mark; the caller rotates ({@link PublishKeyRotator#sealingKey}), so a batch of removals
 * costs one rotation. Thread-safe.
 */
final class RemovedKeys {
  private static final Logger log = LoggerFactory.getLogger(RemovedKeys.class);

  /** How many ids one log line names; the count says the rest. */
  private static final int IDS_IN_LOG = 10;

  private final MinionKeyStore pki;
  private final ConnectedMinions connected;
  private final PublishKeyRotator rotator;

  /**
   * The accepted keys as last seen: the last listing compared, plus the keys written since (the
   * master's own changes, and new files the watch saw).
   */
  private Map<MinionId, AcceptedKeys.Stamp> known = new HashMap<>();

  private long handledRemovals;

  /**
   * {@link System#nanoTime} of the newest knowledge in {@link #known}: a listing taken before it
   * (acted on late by a slower thread) would undo what was learnt since, and is not merged.
   */
  private long knownAt = System.nanoTime();

  RemovedKeys(MinionKeyStore pki, ConnectedMinions connected, PublishKeyRotator rotator) {
    this.pki = pki;
    this.connected = connected;
    this.rotator = rotator;
    this.handledRemovals = pki.acceptedKeyRemovals();
  }

  /** Marks the key compromised when this master removed an accepted key since the last look. */
  synchronized void noticeRemovals() {
    noticeRemovals(pki.acceptedKeyRemovals());
  }

  private void noticeRemovals(long removals) {
    if (removals > handledRemovals) {
      handledRemovals = removals;
      rotator.markCompromised("an accepted minion key was removed");
    }
  }

  /**
   * The master changed the store itself ({@code changes}, already applied): its removals are
   * counted, and what it wrote is learnt, so the next comparison does not take its changes for
   * ones made behind its back and rotate a second time.
   */
  synchronized void changedHere(KeyChanges changes) {
    noticeRemovals();
    knownAt = System.nanoTime();
    for (KeyChanges.Change change : changes.changes()) {
      if (change.to() == KeyStatus.ACCEPTED) {
        learn(change.id());
      } else if (change.from() == KeyStatus.ACCEPTED) {
        known.remove(change.id());
      }
    }
  }

  /** Records the accepted key of {@code id} now as seen (a new key: nothing was removed). */
  synchronized void learn(MinionId id) {
    AcceptedKeys.Stamp stamp;
    try {
      stamp = pki.acceptedKeyStamp(id).orElse(null);
    } catch (IOException e) {
      stamp = null; // unreadable now: the next listing says what is there
    }
    if (stamp == null) {
      known.remove(id);
    } else {
      known.put(id, stamp);
    }
    knownAt = System.nanoTime();
  }

  /** True when the key of {@code id} has been seen: a change to it may be a replacement. */
  synchronized boolean knows(MinionId id) {
    return known.containsKey(id);
  }

  /**
   * Compares {@code now} with the keys last seen and with {@code connectedBefore}, the connected
   * minions read <em>before</em> {@code now} was taken: such a minion had an accepted key when it
   * authenticated, so one missing from {@code now} lost it since (a minion accepted and connected
   * after the listing was read is not in that set, and is not mistaken for one).
   */
  synchronized void reconcile(Set<MinionId> connectedBefore, AcceptedKeys now) {
    noticeRemovals(now.removals());
    Set<MinionId> gone = new TreeSet<>();
    if (now.listedAt() - knownAt >= 0) {
      for (Map.Entry<MinionId, AcceptedKeys.Stamp> was : known.entrySet()) {
        if (!was.getValue().equals(now.stamps().get(was.getKey()))) {
          gone.add(was.getKey()); // removed, or replaced by another key
        }
      }
      known = new HashMap<>(now.stamps());
      knownAt = now.listedAt();
    }
    for (MinionId id : gone) {
      connected.disconnect(id, closing(id));
    }
    for (MinionId id : connectedBefore) {
      // Not seen before, yet connected: its key went before anyone learnt it, or it authenticated
      // as its key went. If it is still connected it may hold the current key; if it is gone
      // already, whoever closed it (a removal through the API, an earlier comparison) has marked.
      if (!now.stamps().containsKey(id) && !gone.contains(id) && connected.disconnect(id, closing(id))) {
        gone.add(id);
      }
    }
    if (gone.isEmpty()) {
      return;
    }
    rotator.markCompromised("an accepted minion key left minions/ or changed", numberOf(gone));
    log.warn(
        "{} accepted key(s) left minions/ or changed since the master last looked ({}): treated"
            + " as removed",
        gone.size(),
        names(gone));
  }

  /**
   * The number of the removal that took {@code gone} ({@link MinionKeyStore#removalNumber}), so
   * the rotator retires only the keys made before it; empty (every key so far retired) when
   * unknown or unreadable: the safe side.
   */
  private OptionalLong numberOf(Set<MinionId> gone) {
    try {
      return pki.removalNumber(gone);
    } catch (IOException | RuntimeException e) {
      log.debug("cannot read the number of a key removal: {}", e.getMessage());
      return OptionalLong.empty();
    }
  }

  private static String closing(MinionId id) {
    return "the accepted key of minion " + id + " left minions/ or changed; closing its connection";
  }

  private static String names(Set<MinionId> ids) {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (MinionId id : ids) {
      if (n == IDS_IN_LOG) {
        return b.append(", ...").toString();
      }
      b.append(n++ == 0 ? "" : ", ").append(id);
    }
    return b.toString();
  }
}
