package io.brine.master.api;

import io.brine.master.MasterKeyRing;
import io.brine.master.audit.AuditBroker;
import io.brine.master.cp.StagedFiles;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.ReturnWaiters;
import io.brine.master.publish.PublishKeyRotator;
import java.time.Duration;

/**
 * What the master's own {@code /v1/brine/} paths act on. Each part may be null, which leaves its
 * paths out (a vault served without a master around it, in tests).
 *
 * @param publishKeys for {@code keys/rotate}
 * @param minionKeys for {@code keys}, {@code keys/accept|reject|delete|public}
 * @param jobPublisher for publishing through {@code jobs}
 * @param jobCache for reading {@code jobs}
 * @param audit for {@code sys/audit*} and {@code brine/audit/*}
 * @param masterKeys for {@code sys/master-key} and {@code sys/master-key/rotate}
 * @param masterKeyGrace the grace of a rotation that names none ({@code master_key_grace})
 * @param stagedFiles for {@code brine/cp}, brine cp's uploads, or null
 * @param returnWaiters the long polls on job returns, woken by the master's return path; null
 *     for waiters of the API's own that only poll the job cache
 */
public record MasterPaths(
    PublishKeyRotator publishKeys,
    MinionKeys minionKeys,
    JobPublisher jobPublisher,
    JobStore jobCache,
    AuditBroker audit,
    MasterKeyRing masterKeys,
    Duration masterKeyGrace,
    StagedFiles stagedFiles,
    ReturnWaiters returnWaiters) {
  /** None of the master's paths: the vault's alone. */
  public static final MasterPaths NONE = new MasterPaths(null, null, null, null, null);

  /** Without brine cp's staging area and without waiters of the master's return path. */
  public MasterPaths(
      PublishKeyRotator publishKeys,
      MinionKeys minionKeys,
      JobPublisher jobPublisher,
      JobStore jobCache,
      AuditBroker audit,
      MasterKeyRing masterKeys,
      Duration masterKeyGrace) {
    this(
        publishKeys,
        minionKeys,
        jobPublisher,
        jobCache,
        audit,
        masterKeys,
        masterKeyGrace,
        null,
        null);
  }

  /** Without the master key's paths. */
  public MasterPaths(
      PublishKeyRotator publishKeys,
      MinionKeys minionKeys,
      JobPublisher jobPublisher,
      JobStore jobCache,
      AuditBroker audit) {
    this(publishKeys, minionKeys, jobPublisher, jobCache, audit, null, null);
  }

  /** Without audit devices. */
  public MasterPaths(
      PublishKeyRotator publishKeys,
      MinionKeys minionKeys,
      JobPublisher jobPublisher,
      JobStore jobCache) {
    this(publishKeys, minionKeys, jobPublisher, jobCache, null);
  }

  public MasterPaths {
    if ((jobPublisher == null) != (jobCache == null)) {
      throw new IllegalArgumentException("jobs need both the publisher and the cache");
    }
    if ((masterKeys == null) != (masterKeyGrace == null)) {
      throw new IllegalArgumentException("the master key's paths need the ring and the grace");
    }
  }
}
