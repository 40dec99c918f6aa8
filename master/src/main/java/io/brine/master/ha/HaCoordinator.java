package io.brine.master.ha;

import io.brine.vault.SealedException;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.postgresql.PostgresqlHaLock;
import io.brine.vault.storage.postgresql.PostgresqlStorage;
import io.brine.vault.storage.postgresql.WriteFence;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which master of a cluster is active, as OpenBao's HA: every unsealed master competes for the HA
 * lock in the shared PostgreSQL storage; the one holding it is active and writes, the others are
 * standbys that write nothing, follow what the active wrote, and send operators to it.
 *
 * <p>Taking over: the lock is won (its value a fresh UUID), the vault reads the keys the last
 * active master left ({@link VaultCore#takeOver}), the storage's fence becomes the lock's own (every
 * write then checks, in its own transaction, that the lock is still held), the leader advert goes
 * to {@code core/leader/<uuid>} behind the barrier, and the {@link ActiveDuty active duties} start.
 * Stepping down, in the reverse order: the duties stop, the advert is deleted, the fence refuses
 * again, the lock is released (so a standby takes over at its next attempt, without waiting for the
 * TTL). The same path runs when the lock is lost, when the vault seals, and on {@code
 * sys/step-down}; after a step-down this master waits {@link ClusterTiming#manualStepDownSleep}
 * before it competes again. Each change of role is one log line.
 *
 * <p>Threads: the competition and a standby's checks run on one thread of their own; a seal steps
 * down on the vault's thread. The transitions are serialised by one monitor, never held while the
 * vault's lock is asked for (a seal holds that lock while it waits for the monitor).
 */
public final class HaCoordinator implements VaultListener, ClusterStatus, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HaCoordinator.class);

  /** Where a master stands. */
  public enum Role {
    SEALED,
    STANDBY,
    ACTIVE
  }

  private final VaultCore vault;
  private final PostgresqlStorage storage;
  private final PostgresqlHaLock lock;
  private final ClusterTiming timing;
  private final Supplier<String> redirectAddr;
  private final Clock clock;
  private final List<ActiveDuty> duties = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService loop;

  private final Object monitor = new Object();
  // Guarded by monitor.
  private Storage barrier;
  private PostgresqlHaLock.Held held;
  private String advertPath;
  private long competeAfterNanos;
  private ScheduledFuture<?> competition;
  private boolean closed;

  private volatile Role role = Role.SEALED;
  /** The fence the shared stores' writes pass: the lock's while it is held. */
  private volatile WriteFence fence = StandbyFence.REFUSE;
  private volatile Leader leader;
  // Only the loop thread touches these.
  private String leaderValue;
  private long lastCheckNanos;
  private boolean lockUnreachable;
  private boolean followFailing;

  /**
   * @param redirectAddr the URL this master advertises while active ({@code redirect_addr}, else
   *     the API's own), read when it takes over
   */
  public HaCoordinator(
      VaultCore vault,
      PostgresqlStorage storage,
      PostgresqlHaLock lock,
      ClusterTiming timing,
      Supplier<String> redirectAddr,
      Clock clock) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.lock = Objects.requireNonNull(lock, "lock");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.redirectAddr = Objects.requireNonNull(redirectAddr, "redirectAddr");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.loop =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("brine-ha", true));
  }

  /** Adds a duty; duties start in the order added and stop in the reverse order. */
  public void addDuty(ActiveDuty duty) {
    duties.add(Objects.requireNonNull(duty));
  }

  public Role role() {
    return role;
  }

  /**
   * The fence for the cluster's other shared stores (minion keys, jobs, the job queue): checked in
   * each write's own transaction, it passes only while this master holds the HA lock, exactly as
   * the vault's storage does.
   */
  public WriteFence fence() {
    return tx -> fence.check(tx);
  }

  // ------------------------------------------------------------------ ClusterStatus

  @Override
  public boolean haEnabled() {
    return true;
  }

  @Override
  public boolean active() {
    return role == Role.ACTIVE;
  }

  @Override
  public Optional<Leader> leader() {
    return Optional.ofNullable(leader);
  }

  @Override
  public void stepDown() {
    synchronized (monitor) {
      if (held == null) {
        return;
      }
    }
    // On the loop thread, so the request's thread does not wait while the duties stop. The API
    // calls this only once the request's response entry is in the audit log.
    onLoop(
        () -> {
          synchronized (monitor) {
            stepDownLocked("an operator asked it to (sys/step-down)", ActiveDuty.Stop.STEP_DOWN);
          }
        });
  }

  // ------------------------------------------------------------------ vault life cycle

  @Override
  public void unsealed(Storage barrier) {
    synchronized (monitor) {
      if (closed) {
        return;
      }
      this.barrier = barrier;
      role = Role.STANDBY;
      competeAfterNanos = System.nanoTime();
      long every = timing.lock().retryInterval().toMillis();
      competition = loop.scheduleWithFixedDelay(this::competeSafely, 0, every, TimeUnit.MILLISECONDS);
    }
    log.info("vault unsealed: this master is a standby until it takes the cluster's HA lock");
  }

  /** The barrier is still open: the duties write their last state while the lock is held. */
  @Override
  public void sealing() {
    synchronized (monitor) {
      stepDownLocked("the vault is sealing", ActiveDuty.Stop.SEALING);
      stopCompeting();
    }
  }

  @Override
  public void sealed() {
    synchronized (monitor) {
      stopCompeting();
    }
  }

  /** Must hold monitor. */
  private void stopCompeting() {
    if (competition != null) {
      competition.cancel(false);
      competition = null;
    }
    barrier = null;
    role = Role.SEALED;
    leader = null;
  }

  /** Steps down (releasing the lock) and stops the thread. */
  @Override
  public void close() {
    synchronized (monitor) {
      stepDownLocked("the master is stopping", ActiveDuty.Stop.SEALING);
      stopCompeting();
      closed = true;
    }
    loop.shutdownNow();
  }

  // ------------------------------------------------------------------ the competition

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("HA: stopped, {} not run", task);
    }
  }

  private void competeSafely() {
    try {
      compete();
    } catch (RuntimeException e) {
      log.warn("HA: an attempt failed: {}", e.toString());
      log.debug("HA attempt failure", e);
    }
  }

  /** One round on the loop thread: try to take the lock, or else follow the active master. */
  private void compete() {
    Storage open;
    boolean mayCompete;
    synchronized (monitor) {
      if (barrier == null || held != null) {
        return; // sealed, or active: the lock renews itself and tells of a loss
      }
      open = barrier;
      mayCompete = System.nanoTime() - competeAfterNanos >= 0;
    }
    if (mayCompete) {
      String value = UUID.randomUUID().toString();
      Optional<PostgresqlHaLock.Held> won;
      try {
        won = lock.tryAcquire(value);
        reachable();
      } catch (VaultException e) {
        unreachable(e);
        return;
      }
      if (won.isPresent()) {
        takeOver(won.get(), open);
        return;
      }
    }
    followIfDue(open);
  }

  private void takeOver(PostgresqlHaLock.Held won, Storage open) {
    // Before the monitor: it takes the vault's lock.
    try {
      vault.takeOver();
    } catch (VaultException | RuntimeException e) {
      if (!(e instanceof SealedException)) {
        log.warn("HA: took the lock but cannot read the vault's keys, giving it up: {}", e.getMessage());
        log.debug("take-over failure", e);
      }
      release(won);
      return;
    }
    synchronized (monitor) {
      if (barrier != open || closed) {
        release(won); // sealed meanwhile
        return;
      }
      storage.fence(won.fence());
      fence = won.fence();
      held = won;
      won.onLost(() -> onLoop(() -> lost(won)));
      Instant now = clock.instant();
      String address = redirectAddr.get();
      try {
        advertPath = LeaderAdvert.path(won.value());
        open.put(advertPath, new LeaderAdvert(address, now).toJson());
      } catch (VaultException e) {
        log.warn("HA: cannot write the leader advert: {}", e.getMessage());
        stepDownLocked("it could not advertise itself", ActiveDuty.Stop.LOCK_LOST);
        return;
      }
      removeOldAdverts(open, advertPath);
      for (ActiveDuty duty : duties) {
        try {
          duty.start(open);
        } catch (VaultException | RuntimeException e) {
          log.warn("HA: an active duty could not start: {}", e.getMessage());
          log.debug("active duty start failure", e);
        }
      }
      leader = new Leader(address, now, true);
      leaderValue = won.value();
      role = Role.ACTIVE;
      log.info("this master is now the cluster's active master (advertised at {})", address);
    }
  }

  /** Adverts of earlier active masters that could not delete their own (killed, cut off). */
  private static void removeOldAdverts(Storage open, String own) {
    try {
      for (String name : open.list(LeaderAdvert.PREFIX)) {
        String path = LeaderAdvert.PREFIX + name;
        if (!path.equals(own) && !name.endsWith("/")) {
          open.delete(path);
        }
      }
    } catch (VaultException e) {
      log.debug("HA: cannot remove old leader adverts: {}", e.getMessage());
    }
  }

  private void lost(PostgresqlHaLock.Held lostLock) {
    synchronized (monitor) {
      if (held != lostLock) {
        return;
      }
      stepDownLocked("it lost the HA lock", ActiveDuty.Stop.LOCK_LOST);
    }
  }

  /** Must hold monitor. */
  private void stepDownLocked(String why, ActiveDuty.Stop stop) {
    PostgresqlHaLock.Held h = held;
    if (h == null) {
      return;
    }
    role = barrier == null || stop == ActiveDuty.Stop.SEALING ? Role.SEALED : Role.STANDBY;
    // Said at once: what follows may wait on a database that is down (that is often why the lock
    // was lost), and an operator reading the log must not think this master still active.
    log.info(
        "this master stepped down ({}); it is {} now",
        why,
        role == Role.SEALED ? "sealed" : "a standby");
    List<ActiveDuty> reversed = new ArrayList<>(duties);
    Collections.reverse(reversed);
    for (ActiveDuty duty : reversed) {
      try {
        duty.stop(stop);
      } catch (RuntimeException e) {
        log.warn("HA: an active duty did not stop cleanly: {}", e.toString());
        log.debug("active duty stop failure", e);
      }
    }
    // A lost lock's fence refuses the delete anyway (the next active master removes the advert),
    // so it is not tried: with the database down it would only hold the monitor for a timeout.
    if (barrier != null && advertPath != null && stop != ActiveDuty.Stop.LOCK_LOST) {
      try {
        barrier.delete(advertPath);
      } catch (VaultException e) {
        // The database is down: the next active master removes it.
        log.debug("HA: leader advert not deleted: {}", e.getMessage());
      }
    }
    storage.fence(StandbyFence.REFUSE);
    fence = StandbyFence.REFUSE;
    held = null;
    advertPath = null;
    leader = null;
    release(h);
    if (stop == ActiveDuty.Stop.STEP_DOWN) {
      competeAfterNanos = System.nanoTime() + timing.manualStepDownSleep().toNanos();
    }
    lastCheckNanos = 0; // read who is active at once, not at the next round
    if (barrier != null && stop != ActiveDuty.Stop.SEALING) {
      onLoop(this::competeSafely);
    }
  }

  private static void release(PostgresqlHaLock.Held h) {
    try {
      h.release();
    } catch (RuntimeException e) {
      log.debug("HA: lock release failed: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ a standby's checks

  /** Every {@link ClusterTiming#leaderCheck}: who is active, and what it changed. */
  private void followIfDue(Storage open) {
    long now = System.nanoTime();
    if (lastCheckNanos != 0 && now - lastCheckNanos < timing.leaderCheck().toNanos()) {
      return;
    }
    lastCheckNanos = now;
    try {
      vault.followStorage();
      for (ActiveDuty duty : duties) {
        duty.follow(open);
      }
      readLeader(open);
      if (followFailing) {
        followFailing = false;
        log.info("HA: following the active master again");
      }
    } catch (SealedException e) {
      // sealed meanwhile: the next round stops
    } catch (VaultException e) {
      // Once, not at every check while the database is away.
      if (!followFailing) {
        followFailing = true;
        log.warn("HA: cannot follow the active master, retrying: {}", e.getMessage());
      }
      log.debug("follow failure", e);
    }
  }

  private void readLeader(Storage open) throws VaultException {
    Optional<String> value = lock.currentValue();
    if (value.isEmpty()) {
      leader = null;
      leaderValue = null;
      return;
    }
    if (value.get().equals(leaderValue) && leader != null) {
      return;
    }
    Optional<byte[]> advert = open.get(LeaderAdvert.path(value.get()));
    if (advert.isEmpty()) {
      leader = null; // taken, not advertised yet: the next round reads it
      leaderValue = null;
      return;
    }
    LeaderAdvert a = LeaderAdvert.parse(advert.get());
    leader = new Leader(a.redirectAddr(), a.activeTime(), false);
    leaderValue = value.get();
  }

  private void reachable() {
    if (lockUnreachable) {
      lockUnreachable = false;
      log.info("HA: the lock's table answers again");
    }
  }

  private void unreachable(VaultException e) {
    if (!lockUnreachable) {
      lockUnreachable = true;
      log.warn("HA: cannot compete for the lock, retrying: {}", e.getMessage());
    }
  }
}
