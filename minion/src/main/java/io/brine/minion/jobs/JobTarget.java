package io.brine.minion.jobs;

import java.util.Objects;

/**
 * The target a job was published to, as the publication named it ({@code tgt}, {@code tgt_type}):
 * what {@code saltutil.running} shows beside the job.
 */
public record JobTarget(String tgt, String tgtType) {
  public JobTarget {
    Objects.requireNonNull(tgt, "tgt");
    Objects.requireNonNull(tgtType, "tgtType");
  }
}
