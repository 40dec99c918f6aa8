package io.brine.minion.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jids a minion has seen, so a publication delivered twice runs once: the last {@code
 * maxEntries}, and of those only the ones younger than {@code maxAge}, whichever is fewer. Salt
 * keeps a queue of the last 100 (minion_jid_queue_hwm); brine keeps more because the memory is
 * small (a jid is 20 characters) and a master that re-sends after a reconnect should not re-run a
 * job of the last hour. Not thread-safe: the runner holds its lock.
 */
final class JidMemory {
  private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();
  private final int maxEntries;
  private final Duration maxAge;
  private final Clock clock;

  JidMemory(int maxEntries, Duration maxAge, Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.maxEntries = maxEntries;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Remembers the jid; false when it was already remembered. */
  boolean remember(String jid) {
    Instant now = clock.instant();
    forgetOld(now);
    if (seen.containsKey(jid)) {
      return false;
    }
    seen.put(jid, now);
    return true;
  }

  /** For a job that was refused before it ran, so the master may send it again. */
  void forget(String jid) {
    seen.remove(jid);
  }

  int size() {
    return seen.size();
  }

  /** Oldest first (insertion order): stop at the first one that is young enough. */
  private void forgetOld(Instant now) {
    Instant oldestKept = now.minus(maxAge);
    Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Instant> e = it.next();
      if (seen.size() >= maxEntries || e.getValue().isBefore(oldestKept)) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
