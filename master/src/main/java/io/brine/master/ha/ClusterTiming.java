package io.brine.master.ha;

import io.brine.vault.storage.postgresql.PostgresqlHaLock;
import java.time.Duration;
import java.util.Objects;

/**
 * How often a cluster's masters look at each other: the HA lock's TTL, renewal and attempts, how
 * often a standby reads who is active and follows what it wrote, and how long a master that
 * stepped down waits before it competes again. {@link #OPENBAO} in production (OpenBao's
 * constants); tests pass shorter ones.
 *
 * @param leaderCheck OpenBao's {@code leaderCheckInterval}, 2.5 s
 * @param manualStepDownSleep OpenBao's {@code manualStepDownSleepPeriod}, 10 s
 */
public record ClusterTiming(
    PostgresqlHaLock.Timing lock, Duration leaderCheck, Duration manualStepDownSleep) {
  public static final ClusterTiming OPENBAO =
      new ClusterTiming(
          PostgresqlHaLock.Timing.OPENBAO, Duration.ofMillis(2500), Duration.ofSeconds(10));

  public ClusterTiming {
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(leaderCheck, "leaderCheck");
    Objects.requireNonNull(manualStepDownSleep, "manualStepDownSleep");
  }
}
