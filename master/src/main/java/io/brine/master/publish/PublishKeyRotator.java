package io.brine.master.publish;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.protocol.publish.PublishKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared publish key and its rotations (seed 000, rows 15-23): a new key at every master start,
 * every {@code publish_session} (default 24 h), within a second of a reject or delete of an
 * accepted key, and on demand. Each key has an epoch, which only grows. The previous key is
 * destroyed a grace period after the rotation, so a publication being encrypted as the rotation
 * happens is not cut off; minions keep their own grace for decrypting ({@code PublishKeyring}).
 *
 * <p>Listeners hear each rotation (the minion listener then asks connected minions to
 * re-authenticate, spread over a window). Thread-safe.
 */
public final class PublishKeyRotator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PublishKeyRotator.class);

  /** Rotations asked for "soon" are coalesced into one, at most this long after the first ask. */
  static final Duration SOON = Duration.ofSeconds(1);

  /** Told after every rotation, on the thread that rotated. */
  public interface Listener {
    void rotated(PublishKey current, String reason);
  }

  private final Duration publishSession;
  private final Duration grace;
  private final ScheduledExecutorService timer;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private PublishKey current;
  private PublishKey previous;
  private ScheduledFuture<?> pendingSoon;
  private ScheduledFuture<?> periodic;

  /**
   * @param publishSession Salt's {@code publish_session}: the longest a key lives
   * @param grace how long after a rotation the previous key is destroyed
   * @param timer runs the periodic and the "soon" rotations
   */
  public PublishKeyRotator(
      Duration publishSession, Duration grace, ScheduledExecutorService timer) {
    if (publishSession.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("publish_session must be at least 1 s");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative");
    }
    this.publishSession = publishSession;
    this.grace = grace;
    this.timer = timer;
  }

  public void addListener(Listener l) {
    listeners.add(Objects.requireNonNull(l));
  }

  /** Makes the start key and schedules the periodic rotation. */
  public synchronized PublishKey start() {
    PublishKey first = rotateNow("master start");
    long millis = publishSession.toMillis();
    periodic =
        timer.scheduleAtFixedRate(
            () -> rotateNow("publish_session elapsed"), millis, millis, TimeUnit.MILLISECONDS);
    return first;
  }

  /** The key publications are encrypted with now. */
  public synchronized PublishKey current() {
    if (current == null) {
      throw new IllegalStateException("the publish key rotator has not started");
    }
    return current;
  }

  /**
   * Rotates within {@link #SOON}: asks made while one is pending join it, so deleting fifty keys
   * in a loop rotates once.
   */
  public synchronized void rotateSoon(String reason) {
    if (pendingSoon != null && !pendingSoon.isDone()) {
      return;
    }
    pendingSoon =
        timer.schedule(() -> rotateNow(reason), SOON.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Rotates at once and tells the listeners. */
  public PublishKey rotateNow(String reason) {
    PublishKey next;
    synchronized (this) {
      if (previous != null) {
        previous.destroy(); // its grace, if any, is cut short by a second rotation
      }
      previous = current;
      int epoch = current == null ? firstEpoch() : current.epoch() + 1;
      next = new PublishKey(epoch, AesGcmKey.generate());
      current = next;
      if (previous != null) {
        PublishKey retired = previous;
        timer.schedule(() -> retire(retired), grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    log.info("publish key rotated to epoch {} ({})", next.epoch(), reason);
    for (Listener l : listeners) {
      try {
        l.rotated(next, reason);
      } catch (RuntimeException e) {
        log.warn("a publish key listener failed: {}", e.toString());
        log.debug("publish key listener failure", e);
      }
    }
    return next;
  }

  private synchronized void retire(PublishKey retired) {
    if (previous == retired) {
      previous = null;
      retired.destroy();
    }
  }

  /**
   * Epochs only grow within one master run; starting each run at a random point keeps a minion
   * from mistaking a key of the last run for one of this run with the same number.
   */
  private static int firstEpoch() {
    return 1 + new SecureRandom().nextInt(1 << 30);
  }

  /** Stops the timers and destroys the keys. */
  @Override
  public synchronized void close() {
    if (periodic != null) {
      periodic.cancel(false);
    }
    if (pendingSoon != null) {
      pendingSoon.cancel(false);
    }
    if (previous != null) {
      previous.destroy();
      previous = null;
    }
    if (current != null) {
      current.destroy();
    }
  }
}
