package io.brine.protocol.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The publish keys a minion holds: the current one, and the one before it for a short grace after
 * a rotation, so that a publication sent just before the rotation still opens. Older keys are
 * destroyed. Thread-safe.
 */
public final class PublishKeyring {
  private final Clock clock;
  private final Duration grace;
  private PublishKey current;
  private PublishKey previous;
  private Instant previousUntil = Instant.MIN;

  public PublishKeyring(Clock clock, Duration grace) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    this.grace = grace;
  }

  /**
   * Makes {@code key} current; the current key, if any, enters its grace. Installing the current
   * epoch again (a re-authentication without a rotation) changes nothing.
   */
  public synchronized void install(PublishKey key) {
    Objects.requireNonNull(key, "key");
    if (current != null && current.epoch() == key.epoch()) {
      return;
    }
    if (previous != null) {
      previous.destroy();
    }
    previous = current;
    previousUntil = clock.instant().plus(grace);
    current = key;
  }

  /** The key for {@code epoch}, or null if it is unknown or past its grace. */
  public synchronized PublishKey forEpoch(int epoch) {
    if (current != null && current.epoch() == epoch) {
      return current;
    }
    if (previous != null && previous.epoch() == epoch) {
      if (clock.instant().isBefore(previousUntil)) {
        return previous;
      }
      previous.destroy();
      previous = null;
    }
    return null;
  }

  /** The current epoch, or -1 before the first key. */
  public synchronized int currentEpoch() {
    return current == null ? -1 : current.epoch();
  }
}
