package io.brine.master;

import io.brine.crypto.CryptoProviders;
import io.brine.master.api.MasterPaths;
import io.brine.master.api.MinionKeys;
import io.brine.master.api.OperatorApiServer;
import io.brine.master.audit.AuditBroker;
import io.brine.master.cluster.ClusterDuty;
import io.brine.master.cluster.ClusterSecrets;
import io.brine.master.config.MasterConfig;
import io.brine.master.config.VaultConfig;
import io.brine.master.config.VaultStorage;
import io.brine.master.cp.StagedFiles;
import io.brine.master.files.FileRoots;
import io.brine.master.ha.ActiveDuty;
import io.brine.master.ha.ClusterStatus;
import io.brine.master.ha.ClusterTiming;
import io.brine.master.ha.HaCoordinator;
import io.brine.master.ha.SealedWrites;
import io.brine.master.grains.FileGrainStore;
import io.brine.master.grains.GrainStore;
import io.brine.master.jobs.JobCache;
import io.brine.master.pki.KeyChanges;
import java.util.function.Consumer;
import io.brine.master.jobs.JobPublisher;
import io.brine.master.jobs.LastPillars;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.MinionCalls;
import io.brine.master.pillar.PillarCompiler;
import io.brine.master.jobs.ReturnWaiters;
import io.brine.master.jobs.shared.JobQueue;
import io.brine.master.jobs.shared.JobRedelivery;
import io.brine.master.jobs.shared.SharedGrainStore;
import io.brine.master.jobs.shared.SharedJobCache;
import io.brine.master.listener.MinionListener;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.pki.PkiDirectory;
import io.brine.master.pki.shared.SharedKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.master.publish.SharedPublishKey;
import io.brine.vault.SealStatus;
import io.brine.vault.Vault;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.postgresql.ConnectionUrl;
import io.brine.vault.storage.postgresql.PostgresqlConfig;
import io.brine.vault.storage.postgresql.PostgresqlHaLock;
import io.brine.vault.storage.postgresql.PostgresqlStorage;
import io.brine.vault.storage.postgresql.WriteFence;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master: its vault over the configured storage folder, the master's RSA key held while the
 * vault is unsealed ({@link MasterKeyRing}), the operator API, the PKI folder, the publish key
 * and its rotations ({@link PublishKeyRotator}), the listener minions connect to ({@link
 * MinionListener}; it answers SEALED while the vault is sealed), the job cache and publisher, and
 * the file server ({@link MinionCalls} answers the minions' returns and file reads). With a PKCS#11 seal it also
 * unseals itself through the HSM, retrying while the HSM is unreachable.
 *
 * <p>{@link #start} prints one line to standard output once the API and the listener listen:
 *
 * <pre>
 * brine master 0.1.0: operator API on http://127.0.0.1:8200, vault sealed (shamir); minions on 0.0.0.0:4506
 * </pre>
 *
 * <p>{@link #close} stops the listener and the API and seals the vault (wiping its keys and
 * dropping the master's key); {@link #awaitShutdown} blocks until then.
 */
public final class MasterDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MasterDaemon.class);

  /** How long start waits for the first HSM attempt, so the start line says how it went. */
  private static final long FIRST_AUTO_UNSEAL_WAIT_SECONDS = 15;

  /**
   * How long the master keeps the previous publish key after a rotation, beyond the re-auth
   * window, for a publication being encrypted as the rotation happens.
   */
  private static final Duration PUBLISH_KEY_GRACE = Duration.ofSeconds(30);

  /**
   * Threads answering the minions' calls (returns into the job cache, file chunks): disk-bound
   * work, each return one durable write, so a few run at once while others wait on fsync.
   */
  private static final int CALL_WORKERS = 8;

  /** Queued jobs of other masters waiting to be handed to this master's minions. */
  private static final int QUEUED_DELIVERIES = 256;

  private final BuildInfo build;
  private final VaultCore vault;
  private final MasterKeyRing keys;
  private final AutoUnsealer autoUnsealer;
  private final OperatorApiServer api;
  private final MinionKeyStore pki;
  private final ScheduledExecutorService rotationTimer;
  private final PublishKeyRotator publishKeys;
  private final MinionListener minions;
  private final ExecutorService callWorkers;
  private final JobStore jobCache;
  private final ReturnWaiters returnWaiters;
  /** Null without PostgreSQL. */
  private final JobQueue queue;
  private final ExecutorService deliveries;
  /** Null without PostgreSQL. */
  private final JobRedelivery redelivery;
  private final JobPublisher publisher;
  private final AuditBroker audit;
  /** Null without HA. */
  private final HaCoordinator ha;
  /** Null for file storage. */
  private final PostgresqlStorage postgres;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private MasterDaemon(
      BuildInfo build,
      VaultCore vault,
      MasterKeyRing keys,
      AutoUnsealer autoUnsealer,
      OperatorApiServer api,
      MinionKeyStore pki,
      ScheduledExecutorService rotationTimer,
      PublishKeyRotator publishKeys,
      MinionListener minions,
      ExecutorService callWorkers,
      JobStore jobCache,
      JobQueue queue,
      ExecutorService deliveries,
      JobRedelivery redelivery,
      JobPublisher publisher,
      AuditBroker audit,
      HaCoordinator ha,
      PostgresqlStorage postgres,
      ReturnWaiters returnWaiters) {
    this.build = build;
    this.returnWaiters = returnWaiters;
    this.vault = vault;
    this.keys = keys;
    this.autoUnsealer = autoUnsealer;
    this.api = api;
    this.pki = pki;
    this.rotationTimer = rotationTimer;
    this.publishKeys = publishKeys;
    this.minions = minions;
    this.callWorkers = callWorkers;
    this.jobCache = jobCache;
    this.queue = queue;
    this.deliveries = deliveries;
    this.redelivery = redelivery;
    this.publisher = publisher;
    this.audit = audit;
    this.ha = ha;
    this.postgres = postgres;
  }

  /** Starts the master and prints the start line to {@link System#out}. */
  public static MasterDaemon start(MasterConfig config) throws IOException, VaultException {
    return start(config, System.out);
  }

  /**
   * Starts the master and prints the start line to {@code out}.
   *
   * @throws VaultException when the storage folder or database cannot be opened
   * @throws IOException when the API or the minion listener cannot listen, the TLS certificate or
   *     key cannot be used, or the PKI folder cannot be opened
   */
  public static MasterDaemon start(MasterConfig config, PrintStream out)
      throws IOException, VaultException {
    return start(config, out, ClusterTiming.OPENBAO);
  }

  /**
   * As {@link #start(MasterConfig, PrintStream)}, with a cluster's timings: the lock's TTL and
   * the standbys' checks (tests shorten them; a config keeps OpenBao's).
   */
  static MasterDaemon start(MasterConfig config, PrintStream out, ClusterTiming timing)
      throws IOException, VaultException {
    // Before the vault loads the master's key, so that key is the chosen provider's own.
    CryptoProviders.apply(config.cryptoProvider());
    BuildInfo build = BuildInfo.current();
    VaultConfig settings = config.vault();
    PostgresqlStorage postgres = null;
    Storage physical;
    if (settings.storage() instanceof VaultStorage.Postgresql p) {
      postgres = PostgresqlStorage.open(p.config(), timing.lock());
      physical = postgres;
    } else {
      physical = FileStorage.open(settings.storageDir());
    }
    PostgresqlHaLock haLock = postgres == null ? null : postgres.haLock().orElse(null);
    VaultCore.Builder vaultBuilder =
        VaultCore.builder(physical)
            .seal(settings.seal())
            .version(build.version())
            .storageType(settings.storage().type());
    if (haLock != null) {
      vaultBuilder.cluster(new SealedWrites(postgres, haLock));
    }
    VaultCore vault = vaultBuilder.build();
    MasterKeyRing keys = new MasterKeyRing(config.pkiDir(), config.keysize(), Clock.systemUTC());
    // The API's own URL is known once it listens (port 0 in tests): the advert reads it then.
    AtomicReference<String> apiUrl = new AtomicReference<>();
    HaCoordinator ha =
        haLock == null
            ? null
            : new HaCoordinator(
                vault,
                postgres,
                haLock,
                timing,
                () -> settings.redirectAddr() != null ? settings.redirectAddr() : apiUrl.get(),
                Clock.systemUTC());
    AutoUnsealer autoUnsealer = null;
    OperatorApiServer api = null;
    ScheduledExecutorService rotationTimer = null;
    PublishKeyRotator publishKeys = null;
    MinionKeyStore pki = null;
    MinionListener minions = null;
    ExecutorService callWorkers = null;
    JobStore jobCache = null;
    ReturnWaiters returnWaiters = null;
    AuditBroker audit = null;
    ClusterSecrets secrets = null;
    ClusterDuty clusterDuty = null;
    AtomicBoolean mayRotatePublishKey = null;
    AtomicReference<PublishKeyRotator> publishKeysLater = null;
    JobQueue queue = null;
    ExecutorService deliveries = null;
    SharedJobCache sharedJobs = null;
    JobRedelivery redelivery = null;
    JobPublisher jobPublisher = null;
    SharedKeyStore sharedKeys = null;
    GrainStore grainStore = null;
    // The pillar compiled last for each minion, for pillar targets; memory only.
    LastPillars lastPillars = new LastPillars();
    try {
      MasterConfig.Jobs jobs = config.jobs();
      if (postgres == null) {
        pki = PkiDirectory.open(config.pkiDir(), AcceptancePolicy.from(config));
        // Returns can hold vault secrets: sealed under a data key kept in the barrier.
        secrets = new ClusterSecrets(() -> true, new SecureRandom());
        vault.addListener(secrets);
        jobCache =
            JobCache.open(
                jobs.jobsDir(),
                jobs.maxJobs(),
                jobs.keepJobs(),
                Clock.systemUTC(),
                secrets.dataAead());
        FileGrainStore grainFiles = FileGrainStore.open(jobs.grainsDir());
        int forgotten = grainFiles.retainOnly(pki.acceptedKeys().ids());
        if (forgotten > 0) {
          log.info("forgot the grains of {} minion(s) whose key is no longer accepted", forgotten);
        }
        grainStore = grainFiles;
      } else {
        // The vault's database holds the cluster's minion keys and jobs too, each row sealed or
        // MAC'd with keys kept in the barrier; only the active master decides and records jobs.
        AtomicBoolean activeHere = new AtomicBoolean(ha == null);
        secrets = new ClusterSecrets(activeHere::get, new SecureRandom());
        if (ha != null) {
          AtomicReference<PublishKeyRotator> rotatorLater = new AtomicReference<>();
          clusterDuty =
              new ClusterDuty(secrets, activeHere, () -> rotatorLater.get().followCluster());
          publishKeysLater = rotatorLater;
        }
        mayRotatePublishKey = activeHere;
        vault.addListener(secrets);
        WriteFence fence = ha == null ? WriteFence.NONE : ha.fence();
        sharedKeys =
            SharedKeyStore.open(
                postgres.dataSource(),
                fence,
                secrets::keyMac,
                AcceptancePolicy.from(config),
                config.masterPublicKeyFile());
        pki = sharedKeys;
        sharedJobs =
            SharedJobCache.open(
                postgres.dataSource(),
                secrets.dataAead(),
                fence,
                jobs.maxJobs(),
                jobs.keepJobs(),
                Clock.systemUTC());
        jobCache = sharedJobs;
        grainStore = SharedGrainStore.open(postgres.dataSource(), secrets.dataAead());
      }
      FileRoots fileRoots = jobs.fileRoots().isEmpty() ? null : FileRoots.of(jobs.fileRoots());
      // brine cp's uploads: transient, emptied at each start, bounded (StagedFiles).
      StagedFiles staged =
          StagedFiles.open(
              jobs.cachedir().resolve("cp-staging"), Clock.systemUTC(), settings.maxRequestBytes());
      if ("pkcs11".equals(settings.seal().activeType())) {
        autoUnsealer = new AutoUnsealer(vault);
        vault.addListener(autoUnsealer);
      }
      MasterConfig.Minions listen = config.minions();
      rotationTimer =
          Executors.newSingleThreadScheduledExecutor(
              new DefaultThreadFactory("brine-publish-key", true));
      publishKeys =
          new PublishKeyRotator(
              listen.publishSession(),
              listen.reauthWindow().plus(PUBLISH_KEY_GRACE),
              rotationTimer);
      if (mayRotatePublishKey != null) {
        // One publish key for the cluster: the active makes it, every master follows it.
        // Each key records the removals committed before it, so a standby that hears of a
        // removal after it took the active's new key keeps using it (docs/security.md).
        publishKeys.shareThrough(
            new SharedPublishKey(
                vault::barrier, mayRotatePublishKey::get, sharedKeys::removalsCommittedThrough));
        if (publishKeysLater != null) {
          publishKeysLater.set(publishKeys);
        }
      }
      // The audit devices open first at unseal, so the unseal's own events (the new publish key)
      // are recorded; at seal they write their last checkpoint while the barrier is still open
      // (VaultListener.sealing).
      audit =
          new AuditBroker(
              settings.audit(), vault::sealStatus, Clock.systemUTC(), new SecureRandom(),
              rotationTimer);
      if (ha == null) {
        vault.addListener(audit);
      } else {
        // First: the cluster's data and key-row keys are made (or loaded) before anything else.
        ha.addDuty(clusterDuty);
        // The devices' chains live in the shared barrier: only the active master opens them.
        ha.addDuty(auditDuty(audit));
        keys.clustered();
        ha.addDuty(masterKeyDuty(keys));
      }
      publishKeys.addListener(audit);
      pki.recordDecisionsIn(audit.keyDecisions());
      // No publish key while sealed: each unseal makes one with a new, higher epoch, and each seal
      // wipes it. Told before the master key holder, so that a HELLO answered as the vault opens
      // finds the publish key whenever it finds the master key.
      vault.addListener(publishKeys);
      vault.addListener(keys);
      if (ha != null) {
        vault.addListener(ha);
      }
      publishKeys.startSealed(); // a vault always opens sealed; auto-unseal comes after the start
      // After a rotation of the master's key every connected minion must meet the new key: a new
      // publish key makes each re-authenticate within reauth_window (docs/protocol.md §2.8).
      PublishKeyRotator rotator = publishKeys;
      keys.onRotation(status -> rotator.rotateNow("the master's key rotated"));
      keys.publishEpochFrom(() -> rotator.current().epoch());
      keys.minimumGrace(config.minions().reauthWindow().multipliedBy(2));
      JobStore cache = jobCache;
      rotationTimer.scheduleAtFixedRate(() -> purgeJobs(cache), 1, 1, TimeUnit.HOURS);
      // Cheap unless a retained key's grace has ended: then its entry is deleted at once.
      MasterKeyRing ring = keys;
      rotationTimer.scheduleWithFixedDelay(() -> expireMasterKeys(ring), 1, 1, TimeUnit.SECONDS);
      rotationTimer.scheduleWithFixedDelay(staged::expire, 10, 10, TimeUnit.SECONDS);
      // The API's long polls on returns: woken by this master's return path, and on a cluster
      // by a short poll of the shared store for the returns other masters stored.
      returnWaiters =
          new ReturnWaiters(
              jobCache,
              ReturnWaiters.DEFAULT_MAX_WAITERS,
              postgres == null ? ReturnWaiters.SINGLE_POLL : ReturnWaiters.CLUSTER_POLL);
      callWorkers =
          Executors.newFixedThreadPool(
              CALL_WORKERS, new DefaultThreadFactory("brine-minion-calls", true));
      minions =
          MinionListener.start(
              listen,
              () -> masterKeyWhileUnsealed(vault, keys),
              keys::previousKeys,
              pki,
              publishKeys,
              new MinionCalls(
                      returnWaiters.signallingStore(),
                      grainStore,
                      fileRoots,
                      staged,
                      callWorkers,
                      Clock.systemUTC())
                  .pillarFrom(
                      PillarCompiler.create(
                          config.pillar(),
                          vault,
                          audit,
                          ha == null ? ClusterStatus.SINGLE : ha,
                          rotationTimer))
                  .rememberPillarsIn(lastPillars),
              config.vault().apiLimits().maxConnections());
      // brine key through the API acts on this very folder and tells the listener at once.
      MinionListener listener = minions;
      vault.addListener(new DisconnectMinionsAtSeal(listener));
      vault.addListener(
          new VaultListener() {
            @Override
            public void unsealed(Storage barrier) {}

            @Override
            public void sealed() {
              // Pillar may hold secrets from the vault: sealed, the master keeps no copy of any.
              lastPillars.forgetAll();
            }
          });
      JobPublisher publisher =
          new JobPublisher(
              epoch -> signingKeyWhileUnsealed(vault, keys, epoch),
              pki,
              listener,
              jobCache,
              Clock.systemUTC());
      jobPublisher = publisher;
      publisher.grainsFrom(grainStore);
      publisher.pillarsFrom(lastPillars);
      publisher.useNodegroups(config.nodegroups());
      if (postgres != null) {
        // Jobs published on the active master reach the minions of every other master; one
        // thread hands them on in the queue's order, off the queue's own threads.
        deliveries = boundedDeliveries();
        ExecutorService handOn = deliveries;
        queue =
            JobQueue.open(
                postgres.dataSource(),
                listenConnector(((VaultStorage.Postgresql) settings.storage()).config()),
                secrets.dataAead(),
                ha == null ? WriteFence.NONE : ha.fence(),
                UUID.randomUUID().toString(),
                queued -> handOn.execute(() -> publisher.deliver(queued.jid(), queued.payload())));
        JobQueue fanOut = queue;
        publisher.fanOutThrough((jid, publication) -> fanOut.publish(jid, publication));
        // A minion failing over was connected to no master while a job went out: the master it
        // reaches hands it the recent ones it has not returned, on a thread of its own.
        redelivery = JobRedelivery.onItsOwnThread(sharedJobs, publisher);
        listener.onSessionEstablished(redelivery::sessionEstablished);
        Duration keep = jobs.keepJobs();
        rotationTimer.scheduleAtFixedRate(() -> purgeQueue(fanOut, keep), 1, 1, TimeUnit.HOURS);
      }
      api =
          OperatorApiServer.start(
              vault,
              settings,
              build.buildDate(),
              new MasterPaths(
                  publishKeys,
                  new MinionKeys(pki, keysChanged(listener, grainStore)),
                  publisher,
                  jobCache,
                  audit,
                  keys,
                  config.masterKeyGrace(),
                  staged,
                  returnWaiters),
              ha == null ? ClusterStatus.SINGLE : ha);
      apiUrl.set(api.url());
    } catch (IOException | RuntimeException e) {
      if (api != null) {
        api.close();
      }
      if (ha != null) {
        ha.close();
      }
      if (minions != null) {
        minions.close();
      }
      if (autoUnsealer != null) {
        autoUnsealer.close();
      }
      if (publishKeys != null) {
        publishKeys.close();
      }
      if (rotationTimer != null) {
        rotationTimer.shutdownNow();
      }
      if (callWorkers != null) {
        callWorkers.shutdownNow();
      }
      if (redelivery != null) {
        redelivery.close();
      }
      if (queue != null) {
        queue.close();
      }
      if (deliveries != null) {
        deliveries.shutdownNow();
      }
      if (jobCache != null) {
        jobCache.close();
      }
      vault.close();
      if (audit != null) {
        audit.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      throw e;
    }
    MasterDaemon daemon =
        new MasterDaemon(
            build,
            vault,
            keys,
            autoUnsealer,
            api,
            pki,
            rotationTimer,
            publishKeys,
            minions,
            callWorkers,
            jobCache,
            queue,
            deliveries,
            redelivery,
            jobPublisher,
            audit,
            ha,
            postgres,
            returnWaiters);
    if (autoUnsealer != null) {
      daemon.awaitFirstAttempt(autoUnsealer.start());
    }
    out.println(daemon.startLine());
    out.flush();
    return daemon;
  }

  /** The audit devices open on the active master only: their chains live in the shared barrier. */
  private static ActiveDuty auditDuty(AuditBroker audit) {
    return new ActiveDuty() {
      @Override
      public void start(Storage barrier) {
        audit.becameActive(barrier);
      }

      @Override
      public void stop(Stop why) {
        if (why == Stop.SEALING) {
          audit.sealing();
          audit.sealed();
        } else {
          audit.becameStandby(
              why == Stop.LOCK_LOST ? "lost the cluster's HA lock" : "stepped down");
        }
      }
    };
  }

  /** The master key: made and rotated by the active master, followed by the standbys. */
  private static ActiveDuty masterKeyDuty(MasterKeyRing keys) {
    return new ActiveDuty() {
      @Override
      public void start(Storage barrier) throws VaultException {
        keys.becameActive();
      }

      @Override
      public void stop(Stop why) {
        keys.becameStandby();
      }

      @Override
      public void follow(Storage barrier) throws VaultException {
        keys.follow();
      }
    };
  }

  /**
   * One thread handing queued jobs to the minions here, in the queue's order, with a bounded
   * backlog: when it is full the queue's poller waits (the back-pressure JobQueue is built for),
   * so a backlog released at once (the data key loaded after a seal) is not all in memory.
   */
  static ExecutorService boundedDeliveries() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUED_DELIVERIES),
            new DefaultThreadFactory("brine-job-queue", true));
    executor.setRejectedExecutionHandler(
        (task, pool) -> {
          if (pool.isShutdown()) {
            return; // stopping: the job stays in the queue's table for the others
          }
          try {
            pool.getQueue().put(task);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return executor;
  }

  private static void purgeQueue(JobQueue queue, Duration keep) {
    try {
      queue.purge(keep);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot purge the job queue: {}", e.getMessage());
    }
  }

  /** The queue's LISTEN connection: its own, outside the pool (a pooled one would be reused). */
  private static JobQueue.Connector listenConnector(PostgresqlConfig config) {
    ConnectionUrl url = config.url();
    return () -> DriverManager.getConnection(url.jdbcUrl(), url.driverProperties());
  }

  private static void purgeJobs(JobStore cache) {
    try {
      int purged = cache.purgeExpired();
      if (purged > 0) {
        log.info("removed {} expired job(s) from the job cache", purged);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot purge the job cache: {}", e.getMessage());
    }
  }

  private static void expireMasterKeys(MasterKeyRing ring) {
    try {
      ring.expireRetired();
    } catch (VaultException | RuntimeException e) {
      log.warn("cannot destroy an expired previous master key: {}", e.getMessage());
    }
  }

  private static Optional<KeyPair> masterKeyWhileUnsealed(
      Vault vault, MasterKeyRing keys) {
    return vault.sealStatus().sealed() ? Optional.empty() : keys.masterKey();
  }
  private static Optional<KeyPair> signingKeyWhileUnsealed(
      Vault vault, MasterKeyRing keys, int publishEpoch) {
    return vault.sealStatus().sealed() ? Optional.empty() : keys.signingKeyFor(publishEpoch);
  }


  private void awaitFirstAttempt(Future<?> first) {
    try {
      first.get(FIRST_AUTO_UNSEAL_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "the HSM has not answered in {} s; the vault stays sealed meanwhile",
          FIRST_AUTO_UNSEAL_WAIT_SECONDS);
    } catch (ExecutionException e) {
      log.debug("first auto-unseal attempt", e); // the attempt logs its own failures
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@code brine master <version>: operator API on <url>, vault <sealed|unsealed> (<type>); minions
   * on <interface>:<port>; crypto <provider>}, with {@code , storage postgresql} or {@code , storage
   * postgresql (HA)} after the vault's type when the vault is in PostgreSQL. Public for {@code
   * brine dev}, which prints it once its vault is unsealed.
   */
  public String startLine() {
    SealStatus status = vault.sealStatus();
    return "brine master "
        + build.version()
        + ": operator API on "
        + api.url()
        + ", vault "
        + (status.sealed() ? "sealed" : "unsealed")
        + " ("
        + status.type()
        + ")"
        + (postgres == null ? "" : ", storage postgresql" + (ha != null ? " (HA)" : ""))
        + "; minions on "
        + minions.address()
        + "; crypto "
        + CryptoProviders.describe();
  }

  /** The port the operator API listens on (the chosen one when the config said 0). */
  public int apiPort() {
    return api.port();
  }

  /** The operator API's base URL, e.g. {@code https://127.0.0.1:8200}. */
  public String apiUrl() {
    return api.url();
  }

  /** The port minions connect to (the chosen one when {@code ret_port} was 0). */
  public int minionPort() {
    return minions.port();
  }

  public MinionListener minionListener() {
    return minions;
  }

  /**
   * What an operator's key change does beyond the listener's part: the grains of a minion whose
   * key was rejected or deleted are forgotten (a failure is one WARN line; the key change stands).
   */
  private static Consumer<KeyChanges> keysChanged(MinionListener listener, GrainStore grains) {
    return changes -> {
      listener.onKeysChanged(changes);
      try {
        grains.keysChanged(changes);
      } catch (IOException e) {
        log.warn("cannot forget the grains of a removed key: {}", e.getMessage());
      }
    };
  }

  /** The PKI folder; pass what its transitions return to {@link MinionListener#onKeysChanged}. */
  public MinionKeyStore pki() {
    return pki;
  }

  /** The operator API's long polls on job returns. */
  public ReturnWaiters returnWaiters() {
    return returnWaiters;
  }

  public JobStore jobCache() {
    return jobCache;
  }

  public PublishKeyRotator publishKeys() {
    return publishKeys;
  }

  public Vault vault() {
    return vault;
  }

  public MasterKeyRing keys() {
    return keys;
  }

  public AuditBroker audit() {
    return audit;
  }

  /** Where this master stands in its cluster; {@link ClusterStatus#SINGLE} without HA. */
  public ClusterStatus cluster() {
    return ha == null ? ClusterStatus.SINGLE : ha;
  }

  /** What hands recent jobs to minions that connect, or null without PostgreSQL. */
  /** The job publisher: what the operator API's {@code brine run} goes through. */
  public JobPublisher publisher() {
    return publisher;
  }

  public JobRedelivery jobRedelivery() {
    return redelivery;
  }

  /** The HA coordinator, or null without HA. */
  HaCoordinator haCoordinator() {
    return ha;
  }

  /**
   * Reopens the audit files (SIGHUP, after logrotate moved them); each chain goes on in the new
   * file.
   */
  public void reopenAuditDevices() {
    audit.reopen();
  }

  public BuildInfo build() {
    return build;
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops the minion listener, the publish key's rotations, the API and the job cache's writer
   * (returns already queued are written), seals the vault (wiping its
   * keys) and releases {@link #awaitShutdown}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      minions.close();
      if (autoUnsealer != null) {
        autoUnsealer.close();
      }
      api.close();
      callWorkers.shutdownNow();
      if (redelivery != null) {
        redelivery.close();
      }
      publishKeys.close();
      rotationTimer.shutdownNow();
      if (queue != null) {
        queue.close();
        deliveries.shutdownNow();
      }
      jobCache.close();
    } finally {
      // The audit devices' last checkpoints are written as it seals; on a cluster the HA lock is
      // given up then, so a standby takes over at once.
      vault.close();
      audit.close();
      if (ha != null) {
        ha.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      log.info("master stopped; vault sealed");
      stopped.countDown();
    }
  }
}
