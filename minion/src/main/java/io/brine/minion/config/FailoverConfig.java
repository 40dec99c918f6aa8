package io.brine.minion.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the minion picks among several masters, with Salt's failover keys. brine keeps one
 * connection at a time whatever {@code master_type} says: the masters of a brine cluster share the
 * minion keys, the job queue and the master key, so one connection reaches every job, and a second
 * would only double the publications and the handshakes.
 *
 * @param type {@code master_type} as written: {@code str} (Salt's default; with a list, Salt's hot
 *     multi-master, which brine runs as failover) or {@code failover}
 * @param aliveInterval {@code master_alive_interval}: a master silent this long is left (zero: no
 *     check)
 * @param randomMaster {@code random_master} (or its older name {@code master_shuffle}): shuffle the
 *     list once at start; with {@code master_failback} the first entry stays first, as in Salt
 * @param failback {@code master_failback}: go back to the first master when it answers again
 * @param failbackInterval {@code master_failback_interval}: how often the first master is tried
 *     while the minion is on another one ({@code master_alive_interval} when the file gives 0, as
 *     Salt does)
 */
public record FailoverConfig(
    Type type,
    Duration aliveInterval,
    boolean randomMaster,
    boolean failback,
    Duration failbackInterval) {
  /** One master, no checks: what a file without these keys means. */
  public static final FailoverConfig NONE =
      new FailoverConfig(Type.STR, Duration.ZERO, false, false, Duration.ZERO);

  /** The {@code master_type} values brine takes. */
  public enum Type {
    STR,
    FAILOVER
  }

  public FailoverConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(aliveInterval, "aliveInterval");
    Objects.requireNonNull(failbackInterval, "failbackInterval");
    if (aliveInterval.isNegative() || failbackInterval.isNegative()) {
      throw new IllegalArgumentException("intervals must not be negative");
    }
    if (failback && failbackInterval.isZero()) {
      throw new IllegalArgumentException("master_failback needs a positive interval");
    }
  }

  /** True when a silent master is probed and left. */
  public boolean checksAlive() {
    return !aliveInterval.isZero();
  }
}
