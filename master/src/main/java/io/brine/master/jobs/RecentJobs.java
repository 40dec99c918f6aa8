package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The jobs most recently written to, by jid, each with its targets as a set. Every return is
 * checked against its job's targets, and a job of 10,000 minions is too large to read, parse or
 * scan for each of its 10,000 returns; both job stores keep this in front of their own reads.
 * Safe for concurrent use.
 */
public final class RecentJobs {
  /** A job as read, with its targets (its minions and the ones missing) as a set. */
  public record Known(JobRecord job, Set<MinionId> targets) {
    public Known(JobRecord job) {
      this(job, targetsOf(job));
    }

    private static Set<MinionId> targetsOf(JobRecord job) {
      Set<MinionId> targets = new HashSet<>(job.minions());
      targets.addAll(job.missing());
      return Set.copyOf(targets);
    }
  }

  private final Map<String, Known> byJid;

  /** Keeps at most {@code capacity} jobs, dropping the least recently used. */
  public RecentJobs(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.byJid =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > capacity;
          }
        };
  }

  public synchronized Optional<Known> get(String jid) {
    return Optional.ofNullable(byJid.get(jid));
  }

  public synchronized void remember(Known known) {
    byJid.put(known.job().jid(), known);
  }

  public synchronized void forget(String jid) {
    byJid.remove(jid);
  }

  /** Forgets every job whose jid sorts before {@code bound} (jids sort by their time). */
  public synchronized void forgetBelow(String bound) {
    byJid.keySet().removeIf(jid -> jid.compareTo(bound) < 0);
  }
}
