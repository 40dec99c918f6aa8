package io.brine.master.publish;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.protocol.publish.PublishKey;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared publish key and its rotations (seed 000, rows 15-23): a new key at every unseal (so at
 * every master start), every {@code publish_session} (default 24 h), before anything is sealed
 * after an accepted key was removed, and on demand. Each key has an epoch, which only grows, across
 * seals too: minions key their keyring by epoch, so a number never names two keys. The previous key
 * is destroyed a grace period after the rotation, so a publication being encrypted as the rotation
 * happens is not cut off; minions keep their own grace for decrypting ({@code PublishKeyring}).
 *
 * <p>While the vault is sealed there is no key at all: {@link #sealed} destroys both, and {@link
 * #unsealed} makes a new one with the next epoch.
 *
 * <p>A removed minion holds every key made up to its removal. {@link #markCompromised} records
 * that, and {@link #sealingKey} then rotates before handing out a key, so nothing is sealed under
 * such a key afterwards, however many removals were marked in between: a batch of a hundred
 * deletions costs one rotation and one wave of re-authentications.
 *
 * <p>Listeners hear each rotation (the minion listener then asks connected minions to
 * re-authenticate, spread over a window). Thread-safe.
 *
 * <p>On a cluster of masters ({@link #shareThrough}) the key is the cluster's, in the barrier
 * ({@link SharedPublishKey}): only the active master makes keys, writing each before it uses it,
 * and every master re-reads the entry each second and takes a newer epoch as its own (with the same
 * grace and the same re-authentication wave as a local rotation). An unseal then takes the
 * cluster's key rather than making one, the {@code publish_session} is counted from the stored
 * rotation time (so a takeover neither rotates early nor late), and a standby that learns of a
 * removal seals nothing until the active's new key reaches it.
 *
 * <p>On a cluster a removal is numbered (its place in the key store's history), and each key
 * records the highest number of the removals that had committed before it was made ({@code
 * removals_through}, {@link SharedPublishKey}). A standby learns of a removal and of the active's
 * new key in either order; told the removal's number ({@link #markCompromised(String,
 * OptionalLong)}), it retires exactly the keys whose {@code removals_through} is below it, so a
 * new key it took first stays usable. That is sound because every handshake reads the publish key
 * before the key store decides, from committed rows, every time: a key made after a removal
 * committed is handed out only by decisions that see the removal.
 */
public final class PublishKeyRotator implements VaultListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PublishKeyRotator.class);

  /** Told after every rotation, on the thread that rotated. */
  public interface Listener {
    void rotated(PublishKey current, String reason);
  }

  private final Duration publishSession;
  private final Duration grace;
  private final ScheduledExecutorService timer;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Null before the start and while the vault is sealed. */
  private PublishKey current;

  private PublishKey previous;
  /** The epoch of the newest key ever made here; -1 before the first. */
  private int lastEpoch = -1;
  /** Keys of an epoch below this one may be held by a removed minion. */
  private int safeFrom;
  /**
   * Keys whose {@code removals_through} is below this may be held by a removed minion: the highest
   * number of a removal learnt of here; {@link SharedPublishKey#UNNUMBERED} while none was.
   */
  private long safeThrough = SharedPublishKey.UNNUMBERED;
  /** The {@code removals_through} of {@link #current} and {@link #previous}. */
  private long currentThrough = SharedPublishKey.UNNUMBERED;
  private long previousThrough = SharedPublishKey.UNNUMBERED;
  private String compromisedBy;
  private ScheduledFuture<?> periodic;

  /** Null for a master on its own; the cluster's copy of the key otherwise. */
  private SharedPublishKey shared;

  private Duration followInterval = Duration.ofSeconds(1);
  private Clock clock = Clock.systemUTC();
  /** Set between unseal and seal, so the follower does not make or take a key while sealed. */
  private boolean open;
  /** When the cluster's current key was made (from its entry); null before the first. */
  private Instant currentSince;
  /** Serializes the cluster rotations of this master, without holding the rotator's lock. */
  private final Object clusterRotation = new Object();
  private boolean standbyRefusalLogged;

  /**
   * @param publishSession Salt's {@code publish_session}: the longest a key lives
   * @param grace how long after a rotation the previous key is destroyed
   * @param timer runs the periodic rotation and the retirements
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

  /**
   * Makes this rotator follow a cluster's one publish key instead of making its own. Call before
   * {@link #startSealed}.
   */
  public synchronized void shareThrough(SharedPublishKey cluster) {
    if (periodic != null) {
      throw new IllegalStateException("shareThrough must come before the start");
    }
    this.shared = Objects.requireNonNull(cluster, "cluster");
  }

  /** For tests: how often the cluster's entry is read, and the clock its times are read with. */
  synchronized void followEvery(Duration interval, Clock clock) {
    this.followInterval = interval;
    this.clock = clock;
  }

  /** Makes the start key and schedules the periodic rotation. */
  public PublishKey start() {
    PublishKey first;
    synchronized (this) {
      schedulePeriodic();
      open = true;
      first = switchKey();
    }
    announce(first, "master start");
    return first;
  }

  /** Schedules the periodic rotation only: the vault is sealed, and {@link #unsealed} makes the key. */
  public synchronized void startSealed() {
    schedulePeriodic();
  }

  private void schedulePeriodic() {
    if (periodic != null) {
      throw new IllegalStateException("the publish key rotator has started already");
    }
    if (shared != null) {
      long every = followInterval.toMillis();
      periodic =
          timer.scheduleWithFixedDelay(this::followCluster, every, every, TimeUnit.MILLISECONDS);
      return;
    }
    long millis = publishSession.toMillis();
    periodic =
        timer.scheduleAtFixedRate(this::periodicRotation, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * The key handed to minions in a WELCOME now.
   *
   * @throws IllegalStateException before the start or while the vault is sealed
   */
  public synchronized PublishKey current() {
    if (current == null) {
      throw new IllegalStateException(
          "no publish key: " + (lastEpoch < 0 ? "the rotator has not started" : "the vault is sealed"));
    }
    return current;
  }

  /**
   * Records that a minion which held the keys made so far lost its accepted key: none of them may
   * seal anything from now on. Cheap, and idempotent until the next rotation.
   */
  public synchronized void markCompromised(String reason) {
    safeFrom = lastEpoch + 1;
    compromisedBy = reason;
  }

  /**
   * As {@link #markCompromised(String)} for removals the cluster numbered: {@code removal} is the
   * highest number of the removals learnt of. Only the keys made before that removal committed
   * (their {@code removals_through} below it) are retired, so a key of the active's that reached
   * this master before the news of the removal stays usable. Without a number (a master on its
   * own, a removal outside brine, a history that could not be read), every key made so far is.
   */
  public synchronized void markCompromised(String reason, OptionalLong removal) {
    if (shared == null || removal.isEmpty()) {
      markCompromised(reason);
      return;
    }
    safeThrough = Math.max(safeThrough, removal.getAsLong());
    compromisedBy = reason;
  }

  /** True when a removed minion may hold {@code key} ({@link #markCompromised} came after it). */
  public synchronized boolean isCompromised(PublishKey key) {
    return key.epoch() < safeFrom || removalsThrough(key) < safeThrough;
  }

  /** The {@code removals_through} of a key of this rotator; unnumbered for one it no longer has. */
  private long removalsThrough(PublishKey key) {
    if (current != null && key.epoch() == current.epoch()) {
      return currentThrough;
    }
    if (previous != null && key.epoch() == previous.epoch()) {
      return previousThrough;
    }
    return SharedPublishKey.UNNUMBERED;
  }

  /**
   * The key to seal a publication under: the current one, rotated first (at once, on this thread)
   * when a removal compromised it. Empty while the vault is sealed.
   */
  public Optional<PublishKey> sealingKey() {
    PublishKey next;
    String reason;
    synchronized (this) {
      if (current == null || !isCompromised(current)) {
        return Optional.ofNullable(current);
      }
      reason = compromisedBy;
      if (shared != null) {
        next = null;
      } else {
        next = switchKey();
      }
    }
    if (shared != null) {
      // A standby waits for the active's new key (it arrives within a second); the active makes it.
      return Optional.ofNullable(rotateCluster(reason));
    }
    announce(next, reason);
    return Optional.of(next);
  }

  /**
   * {@link #sealingKey}, except that a standby of a cluster whose key a removal compromised waits
   * up to {@code limit} for the active master's new key rather than answering at once. The active
   * rotates as it records the removal and publishes the next job under the new key; that job
   * reaches a standby through the queue at about the moment the standby learns of the removal,
   * a second or less before the new key does. Without the wait the standby dropped it, and its
   * minions never saw a job published right after a {@code brine key -d} (found by the swarm).
   *
   * @return empty while the vault is sealed
   * @throws IOException when the new key did not arrive within {@code limit}
   */
  public Optional<PublishKey> awaitSealingKey(Duration limit)
      throws IOException, InterruptedException {
    Optional<PublishKey> key = sealingKey();
    if (key.isPresent()) {
      return key;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (this) {
      while (open && current != null && isCompromised(current)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "the active master's new publish key did not reach this master within "
                  + limit.toSeconds()
                  + " s (the current one was retired by a key removal)");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return current != null && !isCompromised(current) ? Optional.of(current) : Optional.empty();
    }
  }

  /** Rotates now if a removal compromised the current key; a no-op otherwise. */
  public void rotateIfCompromised() {
    sealingKey();
  }

  /**
   * Rotates at once and tells the listeners.
   *
   * @throws IllegalStateException before the start or while the vault is sealed
   */
  public PublishKey rotateNow(String reason) {
    PublishKey next;
    synchronized (this) {
      current(); // refuses while there is no key to rotate
      if (shared == null) {
        next = switchKey();
      } else {
        next = null;
      }
    }
    if (shared != null) {
      if (!shared.mayRotate()) {
        throw new IllegalStateException(
            "this master is a standby: the active master rotates the cluster's publish key");
      }
      next = rotateCluster(reason);
      if (next == null) {
        throw new IllegalStateException("the cluster's publish key could not be rotated");
      }
      return next;
    }
    announce(next, reason);
    return next;
  }

  /**
   * One follower tick: take a newer key from the cluster's entry, or, on the active master, make
   * the first key or the next one when {@code publish_session} has passed since the stored one.
   * Runs each second on the timer, and at once when this master becomes active.
   */
  public void followCluster() {
    synchronized (this) {
      if (!open) {
        return;
      }
    }
    Optional<SharedPublishKey.Stored> stored;
    try {
      stored = shared.read();
    } catch (VaultException | RuntimeException e) {
      log.debug("cannot read the cluster's publish key: {}", e.getMessage());
      return; // sealed meanwhile, or the database is away: the next tick tries again
    }
    if (stored.isPresent() && adopt(stored.get())) {
      return;
    }
    if (!shared.mayRotate()) {
      return;
    }
    Instant since;
    synchronized (this) {
      since = currentSince;
    }
    if (stored.isEmpty() || since == null) {
      rotateCluster("the cluster's first publish key");
    } else if (!clock.instant().isBefore(since.plus(publishSession))) {
      rotateCluster("publish_session elapsed");
    }
  }

  /**
   * Takes {@code stored} as the current key when its epoch is above ours; destroys it otherwise.
   * Returns true when it was taken.
   */
  private boolean adopt(SharedPublishKey.Stored stored) {
    PublishKey next;
    synchronized (this) {
      if (!open || (current != null && stored.epoch() <= current.epoch())) {
        stored.key().destroy();
        return false;
      }
      next = new PublishKey(stored.epoch(), stored.key());
      install(next, stored.rotatedAt(), stored.removalsThrough());
    }
    announce(next, "the cluster's key rotated (" + stored.reason() + ")");
    return true;
  }

  /**
   * Makes, stores and installs the cluster's next key; only the active master may. Returns null
   * when this master may not (a standby), or the write failed (it lost the HA lock, the database is
   * away): then nothing changed here, and the cluster's entry is as before.
   */
  private PublishKey rotateCluster(String reason) {
    synchronized (clusterRotation) {
      if (!shared.mayRotate()) {
        synchronized (this) {
          if (!standbyRefusalLogged) {
            standbyRefusalLogged = true;
            log.info(
                "waiting for the active master's new publish key ({}); a standby makes none",
                reason);
          }
        }
        return null;
      }
      int base;
      synchronized (this) {
        if (!open) {
          return null;
        }
        base = lastEpoch;
      }
      try {
        Optional<SharedPublishKey.Stored> stored = shared.read();
        if (stored.isPresent()) {
          base = Math.max(base, stored.get().epoch());
          stored.get().key().destroy();
        }
      } catch (VaultException e) {
        log.warn("cannot rotate the cluster's publish key: {}", e.getMessage());
        return null;
      }
      // Read before the key is made, so every removal it counts committed first. Unreadable, no
      // key: one that claimed no removal would be retired by every standby at the next removal,
      // and the database that holds the history holds the barrier too.
      long removalsThrough;
      try {
        removalsThrough = shared.removalsCommittedThrough();
      } catch (IOException | RuntimeException e) {
        log.warn(
            "cannot rotate the cluster's publish key ({}): the key removals' history: {}",
            reason,
            e.getMessage());
        return null;
      }
      int epoch = base < 0 ? firstEpoch() : base + 1;
      PublishKey next = new PublishKey(epoch, AesGcmKey.generate());
      Instant at = clock.instant();
      try {
        shared.write(next, reason, at, removalsThrough);
      } catch (VaultException | RuntimeException e) {
        next.destroy();
        log.warn("cannot rotate the cluster's publish key ({}): {}", reason, e.getMessage());
        return null;
      }
      synchronized (this) {
        install(next, at, removalsThrough);
        standbyRefusalLogged = false;
      }
      announce(next, reason);
      return next;
    }
  }

  /** Makes {@code next} current; the caller holds the lock. */
  private void install(PublishKey next, Instant since, long removalsThrough) {
    if (previous != null) {
      previous.destroy();
    }
    previous = current;
    previousThrough = currentThrough;
    current = next;
    currentThrough = removalsThrough;
    lastEpoch = next.epoch();
    currentSince = since;
    notifyAll(); // a standby's publication may be waiting for this key (awaitSealingKey)
    if (previous != null) {
      PublishKey retired = previous;
      timer.schedule(() -> retire(retired), grace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void periodicRotation() {
    PublishKey next;
    synchronized (this) {
      if (current == null) {
        return; // sealed: the unseal makes a fresh key anyway
      }
      next = switchKey();
    }
    announce(next, "publish_session elapsed");
  }

  /** Makes the next key current; the caller holds the lock. Any new key is uncompromised. */
  private PublishKey switchKey() {
    if (previous != null) {
      previous.destroy(); // its grace, if any, is cut short by a second rotation
    }
    previous = current;
    previousThrough = currentThrough;
    lastEpoch = lastEpoch < 0 ? firstEpoch() : lastEpoch + 1;
    current = new PublishKey(lastEpoch, AesGcmKey.generate());
    currentThrough = SharedPublishKey.UNNUMBERED; // only a cluster numbers its removals
    if (previous != null) {
      PublishKey retired = previous;
      timer.schedule(() -> retire(retired), grace.toMillis(), TimeUnit.MILLISECONDS);
    }
    return current;
  }

  private void announce(PublishKey next, String reason) {
    log.info("publish key rotated to epoch {} ({})", next.epoch(), reason);
    for (Listener l : listeners) {
      try {
        l.rotated(next, reason);
      } catch (RuntimeException e) {
        log.warn("a publish key listener failed: {}", e.toString());
        log.debug("publish key listener failure", e);
      }
    }
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

  /** The vault opened: a new key, with an epoch above every earlier one. */
  @Override
  public void unsealed(Storage barrier) {
    PublishKey next;
    synchronized (this) {
      open = true;
      if (current != null) {
        return;
      }
      if (shared != null) {
        next = null;
      } else {
        next = switchKey();
      }
    }
    if (shared != null) {
      followCluster(); // the cluster's key if there is one; the active makes the first
      return;
    }
    announce(next, "the vault unsealed");
  }

  /**
   * The vault sealed: both keys are destroyed (wiped), so nothing of a publication made before the
   * seal can be read from this process's memory while it is sealed.
   */
  @Override
  public synchronized void sealed() {
    open = false;
    currentSince = null;
    destroyKeys();
    notifyAll();
    log.info("publish key wiped (the vault sealed); the unseal makes a new one");
  }

  private void destroyKeys() {
    if (previous != null) {
      previous.destroy();
      previous = null;
    }
    if (current != null) {
      current.destroy();
      current = null;
    }
  }

  /** Stops the timer and destroys the keys. */
  @Override
  public synchronized void close() {
    if (periodic != null) {
      periodic.cancel(false);
    }
    destroyKeys();
  }
}
