package io.brine.vault;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.kv.KvStore;
import io.brine.vault.seal.HsmConnector;
import io.brine.vault.seal.KeyWrapper;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.seal.ShamirKek;
import io.brine.vault.seal.pkcs11.Pkcs11Wrapper;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.policy.PolicyStore;
import io.brine.vault.token.TokenStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault: OpenBao's key hierarchy (shares or HSM, then root key, then keyring, then entries)
 * over a physical {@link Storage}, with the barrier in front of everything but the core record.
 *
 * <p>All state changes happen under one lock; they are rare and short. Every change to the key
 * hierarchy is one atomic write of the {@link CoreRecord}, so a crash leaves the old keys or the
 * new ones usable. This class holds init, unseal and seal; {@link ShareRotations}, {@link
 * RootGeneration} and {@link SealMigration} hold the quorum flows, over the shared {@link
 * VaultState}. The unseal flows by case:
 *
 * <ul>
 *   <li>Shamir: the shares combine to the KEK, which unwraps the root key.
 *   <li>PKCS#11: the HSM unwraps the root key at start ({@link #autoUnseal}); after a manual seal
 *       the recovery shares authorize the HSM unwrap, they never decrypt anything themselves.
 *   <li>A seal migration in either direction: see {@link SealMigration}.
 * </ul>
 */
public final class VaultCore implements Vault, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VaultCore.class);

  /** The barrier's: OpenBao's automatic keyring rotation point, about 90 % of 2^32. */
  public static final long DEFAULT_MAX_OPERATIONS_PER_TERM = Barrier.DEFAULT_MAX_OPERATIONS_PER_TERM;

  /** How long a status waits for the lock before answering from what it knows without it. */
  private static final long STATUS_LOCK_WAIT_MILLIS = 500;

  /** How long a barrier read waits for the lock to reload the keyring for an unknown term. */
  private static final long TERM_RELOAD_LOCK_WAIT_MILLIS = 2_000;

  private final String version;
  private final String storageType;
  private final ClusterLock clusterLock;
  private final List<VaultListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService maintenance;
  private final ReentrantLock lock = new ReentrantLock();
  // Everything below is guarded by lock.
  private final VaultState state;
  private final ShareRotations rotations;
  private final RootGeneration rootGeneration;
  private final ShareCollector unsealParts = new ShareCollector();
  /** Over the barrier, so it is sealed when the vault is; holds nothing between calls. */
  private final KvStore kv;
  /** While {@link VaultState#follow} runs: a barrier read it makes must not follow again. */
  private boolean following;

  private VaultCore(Builder b) {
    this.version = b.version;
    this.storageType = b.storageType;
    this.clusterLock = b.clusterLock == null ? ClusterLock.NONE : b.clusterLock;
    this.maintenance =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vault-maintenance");
              t.setDaemon(true);
              return t;
            });
    Barrier barrier =
        new Barrier(
            b.physical, b.maxOperationsPerTerm, this::keyringRotationDue, this::reloadForTerm);
    this.state =
        new VaultState(
            new CoreStore(b.physical),
            barrier,
            b.sealConfig,
            b.hsmConnector,
            b.random,
            b.clock,
            listeners,
            b.clusterLock != null);
    this.rotations = new ShareRotations(state);
    this.rootGeneration = new RootGeneration(state);
    this.kv = new KvStore(barrier, b.clock);
  }

  public static Builder builder(Storage physical) {
    return new Builder(physical);
  }

  /** How to build a vault; only the physical storage is required. */
  public static final class Builder {
    private final Storage physical;
    private SealConfiguration sealConfig = SealConfiguration.shamir();
    private HsmConnector hsmConnector = Pkcs11Wrapper::connect;
    private SecureRandom random = new SecureRandom();
    private Clock clock = Clock.systemUTC();
    private String version = "0.1.0";
    private String storageType = "file";
    private long maxOperationsPerTerm = DEFAULT_MAX_OPERATIONS_PER_TERM;
    private ClusterLock clusterLock;

    private Builder(Storage physical) {
      this.physical = Objects.requireNonNull(physical, "physical storage");
    }

    public Builder seal(SealConfiguration config) {
      this.sealConfig = Objects.requireNonNull(config);
      return this;
    }

    public Builder hsmConnector(HsmConnector connector) {
      this.hsmConnector = Objects.requireNonNull(connector);
      return this;
    }

    /** Where keys, shares and tokens come from; tests pass a seeded source to replay a run. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /** What token lifetimes are measured by; tests pass one they can move. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder version(String version) {
      this.version = Objects.requireNonNull(version);
      return this;
    }

    public Builder storageType(String storageType) {
      this.storageType = Objects.requireNonNull(storageType);
      return this;
    }

    /**
     * The storage is shared with other masters, one of which (the holder of {@code lock}'s HA
     * lock) is active and writes: this vault then reads its core record anew while sealed, takes
     * the lock to initialize or migrate the seal, and follows the keys the active master changes
     * ({@link #followStorage}).
     */
    public Builder cluster(ClusterLock lock) {
      this.clusterLock = Objects.requireNonNull(lock);
      return this;
    }

    /** Writes per barrier term before the keyring rotates by itself. */
    public Builder maxOperationsPerTerm(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxOperationsPerTerm must be positive");
      }
      this.maxOperationsPerTerm = max;
      return this;
    }

    public VaultCore build() {
      return new VaultCore(this);
    }
  }

  // ---------------------------------------------------------------- status

  @Override
  public SealStatus sealStatus() {
    boolean locked;
    try {
      // An HSM that hangs holds the lock in autoUnseal; status (health checks, the API's sealed
      // gate) must answer all the same, from what is known without it.
      locked = lock.tryLock(STATUS_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    try {
      CoreRecord r;
      if (locked) {
        try {
          r = state.recordForStatus();
        } catch (VaultException e) {
          log.warn("cannot read the vault's core record: {}", e.getMessage());
          log.debug("core record read failed", e);
          r = null;
        }
      } else {
        r = state.recordIfLoaded();
      }
      return statusOf(r, locked);
    } finally {
      if (locked) {
        lock.unlock();
      }
    }
  }

  /** Unseal progress is reported only with the lock held; without it, 0 and no nonce. */
  private SealStatus statusOf(CoreRecord r, boolean locked) {
    if (r == null) {
      return new SealStatus(
          state.sealConfig.activeType(), false, true, 0, 0, 0, "", version, false, false, null,
          storageType);
    }
    boolean autoUnseal = VaultState.isHsmSealed(r);
    SealParameters quorum = VaultState.quorumParameters(r);
    boolean sealed = state.sealed;
    boolean showProgress = sealed && locked;
    return new SealStatus(
        r.seal().type(),
        true,
        sealed,
        quorum == null ? 0 : quorum.threshold(),
        quorum == null ? 0 : quorum.shares(),
        showProgress ? unsealParts.progress() : 0,
        showProgress ? unsealParts.nonce() : "",
        version,
        state.migrationPending(r),
        autoUnseal,
        autoUnseal ? "shamir" : null,
        storageType);
  }

  @Override
  public boolean isInitialized() throws VaultException {
    lock.lock();
    try {
      return state.record() != null;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- init

  @Override
  public InitResult initialize(InitRequest req) throws VaultException {
    lock.lock();
    try {
      if (state.record() != null) {
        throw new InvalidRequestException("Vault is already initialized");
      }
      // On a cluster the initializing master holds the HA lock, so two inits cannot race; the
      // storage is looked at again under it (another master's init may be half written until
      // then: its root token stored, its core record not yet).
      return clusterLock.whileHolding("initialize the vault", () -> initializeNow(req));
    } finally {
      lock.unlock();
    }
  }

  private void requireUninitialized() throws VaultException {
    if (state.record() != null) {
      throw new InvalidRequestException("Vault is already initialized");
    }
    if (state.core.hasBarrierEntries()) {
      throw new InvalidRequestException(
          "the storage holds vault data but its core record (core/vault) is missing: restore it"
              + " from a backup; initializing again would make that data unreadable");
    }
  }

  /** Under the lock (and the cluster's, on a cluster). */
  private InitResult initializeNow(InitRequest req) throws VaultException {
    requireUninitialized();
    boolean hsmSeal = "pkcs11".equals(state.sealConfig.activeType());
    int shares = hsmSeal ? req.recoveryShares() : req.secretShares();
    int threshold = hsmSeal ? req.recoveryThreshold() : req.secretThreshold();
    checkInitParameters(req, hsmSeal);

    AesGcmKey root = AesGcmKey.generate(state.random);
    Keyring keyring = Keyring.generate();
    // Shamir: the shares' key is the KEK. PKCS#11: it is the recovery key.
    SecretBytes shareKey = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, state.random);
    List<byte[]> split = KeyShares.split(shareKey, shares, threshold, state.random);
    try {
      CoreRecord fresh;
      try {
        fresh =
            initialRecord(
                hsmSeal, shares, threshold, root, keyring, shareKey,
                ShareChecks.of(split, state.random));
      } catch (VaultException | RuntimeException e) {
        root.destroy();
        keyring.destroy();
        throw e;
      }
      // The token goes behind the barrier before the core record exists: a crash in between
      // leaves an uninitialized vault (and one unreadable stray entry), never a vault without
      // a root token.
      state.barrier.install(keyring);
      String token;
      TokenStore initTokens = state.newTokenStore();
      try {
        token = initTokens.createRoot("auth/token/root").token();
        state.commit(fresh);
      } catch (VaultException | RuntimeException e) {
        state.barrier.seal();
        root.destroy();
        throw e;
      } finally {
        initTokens.forget();
      }
      log.info(
          "vault initialized: seal {}, {} of {} {}shares",
          fresh.seal().type(),
          threshold,
          shares,
          hsmSeal ? "recovery " : "");
      List<String> hex = KeyShares.hex(split);
      List<String> b64 = KeyShares.base64(split);
      if (hsmSeal) {
        // Auto-unseal comes back unsealed from init, as OpenBao's does.
        state.becomeUnsealed(root, keyring, null);
        return new InitResult(List.of(), List.of(), hex, b64, token);
      }
      state.barrier.seal();
      root.destroy();
      return new InitResult(hex, b64, List.of(), List.of(), token);
    } finally {
      shareKey.destroy();
      KeyShares.wipe(split);
    }
  }

  private static void checkInitParameters(InitRequest req, boolean hsmSeal)
      throws InvalidRequestException {
    if (hsmSeal) {
      if (req.secretShares() != 0 || req.secretThreshold() != 0) {
        throw new InvalidRequestException(
            "parameters secret_shares,secret_threshold not applicable to seal type pkcs11");
      }
      SealParameters.validate("recovery", req.recoveryShares(), req.recoveryThreshold());
    } else {
      if (req.recoveryShares() != 0 || req.recoveryThreshold() != 0) {
        throw new InvalidRequestException(
            "parameters recovery_shares,recovery_threshold not applicable to seal type shamir");
      }
      SealParameters.validate("secret", req.secretShares(), req.secretThreshold());
    }
  }

  private CoreRecord initialRecord(
      boolean hsmSeal,
      int shares,
      int threshold,
      AesGcmKey root,
      Keyring keyring,
      SecretBytes shareKey,
      ShareChecks checks)
      throws VaultException {
    String keyringCt = CoreRecord.encodeKeyring(keyring.encrypt(root));
    if (hsmSeal) {
      KeyWrapper hsm = state.hsm();
      return new CoreRecord(
          CoreRecord.FORMAT,
          new SealParameters("pkcs11", 1, 1),
          new SealParameters("shamir", shares, threshold),
          CoreRecord.Stored.of(hsm.wrap(root.secret())),
          CoreRecord.Stored.of(hsm.wrap(shareKey)),
          keyringCt,
          checks);
    }
    ShamirKek kek = ShamirKek.of(shareKey);
    try {
      return new CoreRecord(
          CoreRecord.FORMAT,
          new SealParameters("shamir", shares, threshold),
          null,
          CoreRecord.Stored.of(kek.wrap(root.secret())),
          null,
          keyringCt,
          checks);
    } finally {
      kek.destroy();
    }
  }

  // ---------------------------------------------------------------- unseal and seal

  @Override
  public SealStatus submitUnsealKey(String key, boolean migrate, String submitter)
      throws VaultException {
    lock.lock();
    try {
      CoreRecord r = state.requireInitialized();
      if (!state.sealed) {
        // As OpenBao: the key is decoded and its length checked even when there is nothing
        // to unseal, so garbage is a 400 in every state; a well-formed share changes nothing.
        KeyShares.decode(key).destroy();
        return sealStatus();
      }
      boolean migrating = state.migrationPending(r);
      if (migrating && !migrate) {
        throw new InvalidRequestException(
            "migrate option not provided and seal migration is pending");
      }
      if (!migrating && migrate) {
        throw new InvalidRequestException("migrate option provided but no seal migration is pending");
      }
      SealParameters quorum = VaultState.quorumParameters(r);
      if (quorum == null) {
        throw new InvalidRequestException(
            "this vault has no recovery shares: restart the master to auto-unseal it");
      }
      SecretBytes part = KeyShares.decode(key);
      // Before anything changes: a stranger's share neither starts an attempt nor counts.
      VaultState.requireOwnShare(r, part);
      unsealParts.startIfIdle();
      unsealParts.add(part, ShareCollector.OnDuplicate.IGNORE, submitter);
      if (unsealParts.progress() < quorum.threshold()) {
        return sealStatus();
      }
      // Parts are discarded once the threshold is reached, whether or not they work.
      List<SecretBytes> parts = unsealParts.takeParts();
      unsealParts.reset();
      try {
        SecretBytes combined = KeyShares.combine(parts);
        try {
          if (migrating) {
            // A migration rewrites the core record: on a cluster, under the HA lock.
            clusterLock.whileHolding(
                "migrate the seal",
                () -> {
                  completeUnseal(r, combined, true);
                  return null;
                });
          } else {
            completeUnseal(r, combined, false);
          }
        } finally {
          combined.destroy();
        }
      } finally {
        ShareCollector.destroyAll(parts);
      }
      return sealStatus();
    } finally {
      lock.unlock();
    }
  }

  private void completeUnseal(CoreRecord r, SecretBytes combined, boolean migrating)
      throws VaultException {
    if (!VaultState.isHsmSealed(r)) {
      ShamirKek kek = ShamirKek.of(combined);
      AesGcmKey root;
      try {
        root = AesGcmKey.fromSecret(kek.unwrap(r.rootKey().toWrappedKey()));
      } finally {
        kek.destroy();
      }
      Keyring opened = openOrDestroy(r, root);
      if (migrating) {
        SealMigration.toHsm(state, r, combined, root, opened);
        return;
      }
      state.becomeUnsealed(root, opened, SecretBytes.wrap(combined.copyOut(SecretAccess.INSECURE)));
      log.info("vault unsealed with {} shares", r.seal().threshold());
      return;
    }
    state.checkRecoveryShares(r, combined);
    AesGcmKey root = AesGcmKey.fromSecret(state.hsm().unwrap(r.rootKey().toWrappedKey()));
    Keyring opened = openOrDestroy(r, root);
    if (migrating) {
      SealMigration.toShamir(state, r, combined, root, opened);
      return;
    }
    state.becomeUnsealed(root, opened, null);
    log.info("vault unsealed by the HSM, authorized by recovery shares");
  }

  private Keyring openOrDestroy(CoreRecord r, AesGcmKey root) throws VaultException {
    try {
      return state.openKeyring(r, root);
    } catch (VaultException e) {
      root.destroy();
      throw e;
    }
  }

  /**
   * Unseals with the HSM alone, as an auto-unseal master does at start.
   *
   * @return true when the vault is unsealed afterwards; false when there is nothing to
   *     auto-unseal (not initialized, a Shamir vault, or a seal migration waiting for shares)
   * @throws VaultException with the reason when the HSM cannot unwrap the root key
   */
  public boolean autoUnseal() throws VaultException {
    lock.lock();
    try {
      CoreRecord r = state.record();
      if (!state.sealed) {
        return true;
      }
      if (r == null || !VaultState.isHsmSealed(r) || state.migrationPending(r)) {
        return false;
      }
      AesGcmKey root = AesGcmKey.fromSecret(state.hsm().unwrap(r.rootKey().toWrappedKey()));
      state.becomeUnsealed(root, openOrDestroy(r, root), null);
      log.info("vault auto-unsealed by the HSM");
      return true;
    } catch (VaultException e) {
      state.forgetHsm(); // reconnect on the next attempt: the HSM may come back
      throw e;
    } finally {
      lock.unlock();
    }
  }

  static final String RESET_NEEDS_PROOF =
      "a reset needs 'key': one of this vault's shares, as proof that an operator asks (it is not"
          + " counted); the progress is unchanged";

  @Override
  public boolean checksSharesOnArrival() {
    CoreRecord r;
    lock.lock();
    try {
      r = state.record();
    } catch (VaultException e) {
      return false;
    } finally {
      lock.unlock();
    }
    return r != null && r.shareChecks() != null;
  }

  @Override
  public SealStatus resetUnseal(String proof, String submitter) throws VaultException {
    lock.lock();
    try {
      CoreRecord r = state.requireInitialized();
      if (!state.sealed) {
        throw new InvalidRequestException("vault is unsealed");
      }
      if (r.shareChecks() != null) {
        if (proof == null || proof.isEmpty()) {
          if (submitter == null) {
            throw new InvalidRequestException(RESET_NEEDS_PROOF);
          }
          // No proof: only what this client gave goes; the others' shares stay.
          unsealParts.discardFrom(submitter);
          return sealStatus();
        }
        SecretBytes part = KeyShares.decode(proof);
        try {
          VaultState.requireOwnShare(r, part);
        } finally {
          part.destroy();
        }
      }
      unsealParts.reset();
      return sealStatus();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void seal(String token) throws VaultException {
    lock.lock();
    try {
      if (state.sealed) {
        return;
      }
      state.requireToken(token);
      sealNow();
      log.info("vault sealed");
    } finally {
      lock.unlock();
    }
  }

  private void sealNow() {
    unsealParts.reset();
    rotations.cancelAll();
    rootGeneration.cancel();
    state.wipeKeys();
  }

  @Override
  public void checkToken(String token) throws VaultException {
    privileged(token, () -> null);
  }

  /** A vault step that may fail; run under the lock. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws VaultException;
  }

  /** Runs {@code step} under the lock once {@code token} has been checked. */
  private <T> T privileged(String token, Step<T> step) throws VaultException {
    lock.lock();
    try {
      state.requireToken(token);
      return step.run();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- keyring and root key

  @Override
  public KeyringStatus rotateKeyring(String token) throws VaultException {
    return privileged(
        token,
        () -> {
          state.rotateKeyring();
          return state.keyringStatus();
        });
  }

  /** The barrier asks from a writer's thread, maybe under this lock: rotate on another thread. */
  private void keyringRotationDue() {
    maintenance.execute(
        () -> {
          lock.lock();
          try {
            if (!state.sealed) {
              state.rotateKeyring();
            }
          } catch (FencedWriteException e) {
            // A standby of a cluster: the active master rotates, and this one follows.
            log.debug("no automatic keyring rotation on a standby: {}", e.getMessage());
          } catch (VaultException | RuntimeException e) {
            log.warn("automatic keyring rotation failed: {}", e.getMessage());
            log.debug("keyring rotation failure", e);
          } finally {
            lock.unlock();
          }
        });
  }

  // ---------------------------------------------------------------- a storage shared with others

  /**
   * On a shared storage, follows what the active master changed in the key hierarchy (a keyring
   * or root-key rotation, a rekey), so that what it writes under a new term reads here too. Does
   * nothing while sealed or on a storage of its own. When this master cannot open the new keys it
   * seals itself, with one log line: kept on the old ones it would refuse every new value.
   *
   * @throws VaultException when the storage cannot be read (nothing changes), or the keys cannot
   *     be followed (the vault is sealed now)
   */
  public void followStorage() throws VaultException {
    lock.lock();
    try {
      followLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * This master has just taken the cluster's HA lock and is about to write: it reads the key
   * hierarchy the last active master left (as OpenBao's {@code performKeyUpgrades}) and drops the
   * policies it cached as a standby, so its first write is made with the current keys and its
   * first decision with the current policies.
   *
   * @throws SealedException when the vault sealed meanwhile
   */
  public void takeOver() throws VaultException {
    lock.lock();
    try {
      if (state.sealed) {
        throw new SealedException();
      }
      followLocked();
      state.policies = new PolicyStore(state.barrier);
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock. */
  private void followLocked() throws VaultException {
    if (state.sealed || !state.shared || following) {
      return;
    }
    following = true;
    try {
      state.follow();
    } catch (IntegrityException e) {
      log.error(
          "this master cannot follow the vault's keys as the active master changed them ({}); it"
              + " seals itself: unseal it again with the current shares",
          e.getMessage());
      sealNow();
      throw e;
    } finally {
      following = false;
    }
  }

  /**
   * The barrier met a term its keyring lacks: another master rotated. Reloads once; gives up
   * rather than wait long for the lock, which a seal may hold while it waits for the reader.
   */
  private boolean reloadForTerm(int term) {
    if (!state.shared) {
      return false;
    }
    try {
      if (!lock.tryLock(TERM_RELOAD_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      if (following || state.sealed) {
        return false;
      }
      followLocked();
      Keyring now = state.keyring;
      return now != null && now.key(term).isPresent();
    } catch (VaultException | RuntimeException e) {
      log.warn(
          "cannot reload the keyring for barrier term {}: {}",
          Integer.toUnsignedString(term),
          e.getMessage());
      log.debug("keyring reload failure", e);
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public KeyringStatus keyringStatus(String token) throws VaultException {
    return privileged(token, state::keyringStatus);
  }

  @Override
  public void rotateRootKey(String token) throws VaultException {
    lock.lock();
    try {
      state.requireToken(token);
      // Only the root key changes: the KEK (and so every operator's share) stays as it is.
      if (VaultState.isHsmSealed(state.requireInitialized())) {
        state.replaceRootKey(state.hsm());
      } else {
        ShamirKek kek = ShamirKek.of(state.kek);
        try {
          state.replaceRootKey(kek);
        } finally {
          kek.destroy();
        }
      }
      log.info("root key rotated");
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- quorum operations

  @Override
  public RotationStatus rotationStatus(String token, RotationKind kind) throws VaultException {
    return privileged(token, () -> rotations.status(kind));
  }

  @Override
  public RotationStatus startRotation(String token, RotationKind kind, int shares, int threshold)
      throws VaultException {
    return privileged(token, () -> rotations.start(kind, shares, threshold));
  }

  @Override
  public void cancelRotation(String token, RotationKind kind) throws VaultException {
    privileged(
        token,
        () -> {
          rotations.cancel(kind);
          return null;
        });
  }

  @Override
  public RotationUpdate submitRotationKey(
      String token, RotationKind kind, String key, String nonce) throws VaultException {
    return privileged(token, () -> rotations.submit(kind, key, nonce));
  }

  @Override
  public GenerateRootStatus generateRootStatus(String token) throws VaultException {
    return privileged(token, rootGeneration::status);
  }

  @Override
  public GenerateRootStatus startGenerateRoot(String token) throws VaultException {
    return privileged(token, rootGeneration::start);
  }

  @Override
  public void cancelGenerateRoot(String token) throws VaultException {
    privileged(
        token,
        () -> {
          rootGeneration.cancel();
          return null;
        });
  }

  @Override
  public GenerateRootStatus submitGenerateRootKey(String token, String key, String nonce)
      throws VaultException {
    return privileged(token, () -> rootGeneration.submit(key, nonce));
  }

  // ---------------------------------------------------------------- barrier and listeners

  @Override
  public TokenStore tokens() throws SealedException {
    TokenStore t = state.tokens;
    if (t == null) {
      throw new SealedException();
    }
    return t;
  }

  @Override
  public PolicyStore policies() throws SealedException {
    PolicyStore p = state.policies;
    if (p == null) {
      throw new SealedException();
    }
    return p;
  }

  @Override
  public KvStore kv() {
    return kv;
  }

  @Override
  public Storage barrier() {
    return state.barrier;
  }

  @Override
  public void addListener(VaultListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** Seals (wiping every key) and stops the maintenance thread. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!state.sealed) {
        sealNow();
      }
    } finally {
      lock.unlock();
    }
    maintenance.shutdownNow();
  }
}
