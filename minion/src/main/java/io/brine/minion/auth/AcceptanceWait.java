package io.brine.minion.auth;

import java.time.Duration;
import java.util.Random;

/**
 * How long a minion whose key is pending waits before it sends its key again: Salt's {@code
 * acceptance_wait_time} (default 30 s here, as the seed says), doubling after each try up to {@code
 * acceptance_wait_time_max} when that is set, plus up to a quarter of the wait at random so that a
 * fleet started together does not knock on the master in step.
 */
public final class AcceptanceWait {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  private final Duration initial;
  private final Duration max;
  private final Random random;
  private Duration current;

  /**
   * @param max the largest wait, or {@link Duration#ZERO} for a constant wait (Salt's 0)
   * @param random the jitter's source (tests pass a seeded one)
   */
  public AcceptanceWait(Duration initial, Duration max, Random random) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("acceptance_wait_time must be positive");
    }
    if (max.isNegative()) {
      throw new IllegalArgumentException("acceptance_wait_time_max must not be negative");
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
    this.current = initial;
  }

  /** The wait before the next try; the one after will be longer if growth is on. */
  public Duration next() {
    Duration base = current;
    long jitterMillis = base.toMillis() / 4;
    Duration wait = base.plusMillis(jitterMillis > 0 ? (long) (random.nextDouble() * jitterMillis) : 0);
    if (max.compareTo(current) > 0) {
      Duration doubled = current.multipliedBy(2);
      current = doubled.compareTo(max) > 0 ? max : doubled;
    }
    return wait;
  }

  /** Back to the first wait, after the key was accepted (or the master asked for a re-auth). */
  public void reset() {
    current = initial;
  }
}
