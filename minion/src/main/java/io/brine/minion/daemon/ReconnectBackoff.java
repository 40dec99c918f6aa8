package io.brine.minion.daemon;

import java.time.Duration;
import java.util.Random;

/**
 * The wait before the next connection attempt after a connection failed or was lost: 1 s, doubling
 * at each failure up to {@code reconnect_wait_max}, plus up to a quarter of the wait at random so
 * that a fleet that lost its master together does not come back in step (Salt's restart storms,
 * salt.md §8.1). Back to 1 s once the minion is authenticated again. Not thread-safe: the daemon
 * uses it from its one event loop.
 */
final class ReconnectBackoff {
  static final Duration FIRST_WAIT = Duration.ofSeconds(1);

  private final Duration max;
  private final Random random;
  private Duration current = FIRST_WAIT;

  ReconnectBackoff(Duration max, Random random) {
    if (max.compareTo(FIRST_WAIT) < 0) {
      throw new IllegalArgumentException("reconnect_wait_max must be at least 1 s");
    }
    this.max = max;
    this.random = random;
  }

  /** The wait before the next attempt; the one after is twice as long, up to the maximum. */
  Duration next() {
    Duration base = current;
    Duration doubled = current.multipliedBy(2);
    current = doubled.compareTo(max) > 0 ? max : doubled;
    return withJitter(base, random);
  }

  void reset() {
    current = FIRST_WAIT;
  }

  /** {@code base} plus a random part of up to a quarter of it. */
  static Duration withJitter(Duration base, Random random) {
    long quarter = base.toMillis() / 4;
    return quarter > 0 ? base.plusMillis((long) (random.nextDouble() * quarter)) : base;
  }
}
