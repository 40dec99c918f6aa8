package io.brine.master.cluster;

import io.brine.master.ha.ActiveDuty;
import io.brine.vault.storage.Storage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part of being active that the cluster's shared keys need: while this master is active it
 * makes what is missing (the cluster's data and key-row keys; the publish key follows from {@link
 * #active}), and while it is a standby it loads what the active made.
 *
 * <p>{@link #active} turns true as the duty starts, that is once the storage is fenced with the
 * lock, which is earlier than the coordinator reports the role; so a key made during the
 * take-over is made under the lock.
 */
public final class ClusterDuty implements ActiveDuty {
  private final ClusterSecrets secrets;
  private final AtomicBoolean active;
  private final Runnable becameActive;

  /**
   * @param active the flag this duty sets while it runs; {@code secrets} and the publish key read
   *     it to know whether this master may make their keys
   * @param becameActive run once the keys are loaded: the publish key's follower, so the new
   *     active master holds (or makes) the cluster's publish key before its other duties start
   */
  public ClusterDuty(ClusterSecrets secrets, AtomicBoolean active, Runnable becameActive) {
    this.secrets = secrets;
    this.active = active;
    this.becameActive = becameActive;
  }

  /** True between this duty's start and its stop. */
  public boolean active() {
    return active.get();
  }

  @Override
  public void start(Storage barrier) {
    active.set(true);
    secrets.refresh();
    becameActive.run();
  }

  @Override
  public void stop(Stop why) {
    active.set(false);
  }

  @Override
  public void follow(Storage barrier) {
    secrets.refresh();
  }
}
