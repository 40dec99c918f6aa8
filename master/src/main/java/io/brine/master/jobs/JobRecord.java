package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A published job as the cache keeps it. {@code args} and {@code kwargs} hold JSON values
 * (strings, numbers, booleans, null, lists, maps); after a restart numbers come back as Jackson
 * reads them (Integer, Long or BigInteger; Double).
 *
 * @param minions the targeted minions that were connected, so got the publication
 * @param missing the targeted minions that were not connected
 * @param timeout how long the minions may run it; null for a job recorded before brine kept it
 */
public record JobRecord(
    String jid,
    String fun,
    List<Object> args,
    Map<String, Object> kwargs,
    String target,
    String targetType,
    List<MinionId> minions,
    List<MinionId> missing,
    Instant started,
    Duration timeout) {

  /**
   * The target types a job is recorded with (Salt's tgt_type names); a nodegroup is recorded as
   * the compound expression it was expanded to and published as.
   */
  public static final Set<String> TARGET_TYPES =
      Set.of(
          "glob", "list", "pcre", "grain", "grain_pcre", "pillar", "pillar_pcre", "compound",
          "ipcidr");

  public JobRecord {
    if (!Jid.isValid(jid)) {
      throw new IllegalArgumentException("job id is not 20 digits YYYYmmddHHMMSSffffff");
    }
    if (fun == null || fun.isEmpty()) {
      throw new IllegalArgumentException("job " + jid + " has no function name");
    }
    Objects.requireNonNull(target, "target");
    if (!TARGET_TYPES.contains(targetType)) {
      throw new IllegalArgumentException(
          "job "
              + jid
              + " has target type "
              + targetType
              + "; expected one of "
              + new java.util.TreeSet<>(TARGET_TYPES));
    }
    Objects.requireNonNull(started, "started");
    // Salt's arguments may be None, so copies that allow null elements.
    args = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(args, "args")));
    kwargs =
        Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(kwargs, "kwargs")));
    minions = List.copyOf(minions);
    missing = List.copyOf(missing);
  }

  /** A job whose timeout is not known. */
  public JobRecord(
      String jid,
      String fun,
      List<Object> args,
      Map<String, Object> kwargs,
      String target,
      String targetType,
      List<MinionId> minions,
      List<MinionId> missing,
      Instant started) {
    this(jid, fun, args, kwargs, target, targetType, minions, missing, started, null);
  }

  /** Whether this job targeted {@code id} (connected or not). */
  public boolean targets(MinionId id) {
    return minions.contains(id) || missing.contains(id);
  }
}
