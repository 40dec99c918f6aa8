package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A job and the returns received so far, as {@link JobStore#find} reads them. */
public record JobView(JobRecord job, Map<MinionId, JobReturn> returns) {
  public JobView {
    Objects.requireNonNull(job, "job");
    // Sorted by minion id so listings read the same on every call.
    returns = Collections.unmodifiableMap(new TreeMap<>(returns));
  }

  public int returnedCount() {
    return returns.size();
  }

  /**
   * The targeted minions with no return yet: the connected ones first (Salt's "Minion did not
   * return"), then the ones that were not connected, each in the job's order.
   */
  public List<MinionId> notReturned() {
    List<MinionId> waiting = new ArrayList<>();
    for (MinionId id : job.minions()) {
      if (!returns.containsKey(id)) {
        waiting.add(id);
      }
    }
    for (MinionId id : job.missing()) {
      if (!returns.containsKey(id)) {
        waiting.add(id);
      }
    }
    return List.copyOf(waiting);
  }

  /** True when every targeted minion, connected or not, has returned. */
  public boolean complete() {
    return notReturned().isEmpty();
  }
}
