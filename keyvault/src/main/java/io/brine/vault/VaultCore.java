package io.brine.vault;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.seal.HsmConnector;
import io.brine.vault.seal.KeyWrapper;
import io.brine.vault.seal.SealConfiguration;
import io.brine.vault.seal.ShamirKek;
import io.brine.vault.seal.pkcs11.Pkcs11Wrapper;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault: OpenBao's key hierarchy (shares or HSM, then root key, then keyring, then entries)
 * over a physical {@link Storage}, with the barrier in front of everything but the core record.
 *
 * <p>All state changes happen under one lock; they are rare and short (an RSA operation is never
 * done here). Every change to the key hierarchy is one atomic write of the {@link CoreRecord}, so a
 * crash leaves the old keys or the new ones usable. The unseal flows by case:
 *
 * <ul>
 *   <li>Shamir: the shares combine to the KEK, which unwraps the root key.
 *   <li>PKCS#11: the HSM unwraps the root key at start ({@link #autoUnseal}); after a manual seal
 *       the recovery shares authorize the HSM unwrap, they never decrypt anything themselves.
 *   <li>Migration Shamir to PKCS#11: the old unseal shares become the recovery shares (their KEK
 *       becomes the recovery key) and a new root key is wrapped by the HSM.
 *   <li>Migration PKCS#11 to Shamir: the recovery shares become the unseal shares (the recovery key
 *       becomes the KEK); the HSM and the shares are both needed.
 * </ul>
 */
public final class VaultCore implements Vault, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VaultCore.class);

  /** OpenBao's automatic keyring rotation point: about 90 % of the 2^32 GCM message limit. */
  public static final long DEFAULT_MAX_OPERATIONS_PER_TERM = 3_865_470_566L;

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private final CoreStore core;
  private final Barrier barrier;
  private final SealConfiguration sealConfig;
  private final HsmConnector hsmConnector;
  private final SecureRandom random;
  private final String version;
  private final String storageType;
  private final List<VaultListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService maintenance;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private CoreRecord record;
  private boolean recordLoaded;
  private AesGcmKey rootKey;
  private Keyring keyring;
  private SecretBytes kek;
  private KeyWrapper hsm;
  private final ShareCollector unsealParts = new ShareCollector();
  private final Map<RotationKind, QuorumState> rotations = new EnumMap<>(RotationKind.class);
  private QuorumState generateRoot;
  private volatile boolean sealed = true;

  private VaultCore(Builder b) {
    this.core = new CoreStore(b.physical);
    this.sealConfig = b.sealConfig;
    this.hsmConnector = b.hsmConnector;
    this.random = b.random;
    this.version = b.version;
    this.storageType = b.storageType;
    this.maintenance =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vault-maintenance");
              t.setDaemon(true);
              return t;
            });
    this.barrier = new Barrier(b.physical, b.maxOperationsPerTerm, this::keyringRotationDue);
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
    private String version = "0.1.0";
    private String storageType = "file";
    private long maxOperationsPerTerm = DEFAULT_MAX_OPERATIONS_PER_TERM;

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

    public Builder version(String version) {
      this.version = Objects.requireNonNull(version);
      return this;
    }

    public Builder storageType(String storageType) {
      this.storageType = Objects.requireNonNull(storageType);
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
    lock.lock();
    try {
      CoreRecord r;
      try {
        r = record();
      } catch (VaultException e) {
        log.warn("cannot read the vault's core record: {}", e.getMessage());
        log.debug("core record read failed", e);
        return new SealStatus(
            sealConfig.activeType(), false, true, 0, 0, 0, "", version, false, false, null,
            storageType);
      }
      if (r == null) {
        return new SealStatus(
            sealConfig.activeType(), false, true, 0, 0, 0, "", version, false, false, null,
            storageType);
      }
      boolean autoUnseal = isHsmSealed(r);
      SealParameters quorum = quorumParameters(r);
      return new SealStatus(
          r.seal().type(),
          true,
          sealed,
          quorum == null ? 0 : quorum.threshold(),
          quorum == null ? 0 : quorum.shares(),
          sealed ? unsealParts.progress() : 0,
          sealed ? unsealParts.nonce() : "",
          version,
          migrationPending(r),
          autoUnseal,
          autoUnseal ? "shamir" : null,
          storageType);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isInitialized() throws VaultException {
    lock.lock();
    try {
      return record() != null;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- init

  @Override
  public InitResult initialize(InitRequest req) throws VaultException {
    lock.lock();
    try {
      if (record() != null) {
        throw new InvalidRequestException("Vault is already initialized");
      }
      if (core.hasBarrierEntries()) {
        throw new InvalidRequestException(
            "the storage holds vault data but its core record (core/vault) is missing: restore it"
                + " from a backup; initializing again would make that data unreadable");
      }
      boolean hsmSeal = "pkcs11".equals(sealConfig.activeType());
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

      AesGcmKey root = AesGcmKey.generate(random);
      Keyring newKeyring = Keyring.generate();
      String keyringCt = CoreRecord.encodeKeyring(newKeyring.encrypt(root));
      SecretBytes shareSource = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, random);
      List<byte[]> shares = null;
      try {
        CoreRecord fresh;
        if (hsmSeal) {
          KeyWrapper h = hsm();
          shares =
              KeyShares.split(shareSource, req.recoveryShares(), req.recoveryThreshold(), random);
          fresh =
              new CoreRecord(
                  CoreRecord.FORMAT,
                  new SealParameters("pkcs11", 1, 1),
                  new SealParameters("shamir", req.recoveryShares(), req.recoveryThreshold()),
                  CoreRecord.Stored.of(h.wrap(root.secret())),
                  CoreRecord.Stored.of(h.wrap(shareSource)),
                  keyringCt);
        } else {
          shares = KeyShares.split(shareSource, req.secretShares(), req.secretThreshold(), random);
          ShamirKek wrapper = ShamirKek.of(shareSource);
          try {
            fresh =
                new CoreRecord(
                    CoreRecord.FORMAT,
                    new SealParameters("shamir", req.secretShares(), req.secretThreshold()),
                    null,
                    CoreRecord.Stored.of(wrapper.wrap(root.secret())),
                    null,
                    keyringCt);
          } finally {
            wrapper.destroy();
          }
        }
        // The token goes behind the barrier before the core record exists: a crash in between
        // leaves an uninitialized vault (and one unreadable stray entry), never a vault without
        // a root token.
        barrier.install(newKeyring);
        String token;
        try {
          token = RootTokens.create(barrier, random);
        } catch (VaultException e) {
          barrier.seal();
          throw e;
        }
        core.write(fresh);
        record = fresh;
        log.info(
            "vault initialized: seal {}, {} of {} {}shares",
            fresh.seal().type(),
            hsmSeal ? req.recoveryThreshold() : req.secretThreshold(),
            hsmSeal ? req.recoveryShares() : req.secretShares(),
            hsmSeal ? "recovery " : "");
        List<String> hex = KeyShares.hex(shares);
        List<String> b64 = KeyShares.base64(shares);
        if (hsmSeal) {
          // Auto-unseal comes back unsealed from init, as OpenBao's does.
          becomeUnsealed(root, newKeyring, null);
          return new InitResult(List.of(), List.of(), hex, b64, token);
        }
        barrier.seal();
        root.destroy();
        return new InitResult(hex, b64, List.of(), List.of(), token);
      } finally {
        shareSource.destroy();
        if (shares != null) {
          KeyShares.wipe(shares);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- unseal and seal

  @Override
  public SealStatus submitUnsealKey(String key, boolean migrate) throws VaultException {
    lock.lock();
    try {
      CoreRecord r = requireInitialized();
      if (!sealed) {
        return sealStatus();
      }
      boolean migrating = migrationPending(r);
      if (migrating && !migrate) {
        throw new InvalidRequestException(
            "migrate option not provided and seal migration is pending");
      }
      if (!migrating && migrate) {
        throw new InvalidRequestException("migrate option provided but no seal migration is pending");
      }
      SealParameters quorum = quorumParameters(r);
      if (quorum == null) {
        throw new InvalidRequestException(
            "this vault has no recovery shares: restart the master to auto-unseal it");
      }
      SecretBytes part = KeyShares.decode(key);
      unsealParts.startIfIdle();
      unsealParts.add(part, ShareCollector.OnDuplicate.IGNORE);
      if (unsealParts.progress() < quorum.threshold()) {
        return sealStatus();
      }
      // Parts are discarded once the threshold is reached, whether or not they work.
      List<SecretBytes> parts = unsealParts.takeParts();
      unsealParts.reset();
      try {
        SecretBytes combined = KeyShares.combine(parts);
        try {
          completeUnseal(r, combined, migrating);
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
    if (!isHsmSealed(r)) {
      ShamirKek oldKek = ShamirKek.of(combined);
      AesGcmKey root;
      try {
        root = AesGcmKey.fromSecret(oldKek.unwrap(r.rootKey().toWrappedKey()));
      } finally {
        oldKek.destroy();
      }
      Keyring opened = openKeyring(r, root);
      if (migrating) {
        migrateShamirToHsm(r, combined, root, opened);
        return;
      }
      becomeUnsealed(root, opened, SecretBytes.wrap(copy(combined)));
      log.info("vault unsealed with {} shares", r.seal().threshold());
      return;
    }
    checkRecoveryShares(r, combined);
    AesGcmKey root = AesGcmKey.fromSecret(hsm().unwrap(r.rootKey().toWrappedKey()));
    Keyring opened = openKeyring(r, root);
    if (migrating) {
      migrateHsmToShamir(r, combined, root, opened);
      return;
    }
    becomeUnsealed(root, opened, null);
    log.info("vault unsealed by the HSM, authorized by recovery shares");
  }

  /** Old unseal shares become recovery shares; a new root key is wrapped by the HSM. */
  private void migrateShamirToHsm(
      CoreRecord r, SecretBytes oldKek, AesGcmKey oldRoot, Keyring opened) throws VaultException {
    KeyWrapper h = hsm();
    AesGcmKey newRoot = AesGcmKey.generate(random);
    CoreRecord migrated =
        new CoreRecord(
            CoreRecord.FORMAT,
            new SealParameters("pkcs11", 1, 1),
            new SealParameters("shamir", r.seal().shares(), r.seal().threshold()),
            CoreRecord.Stored.of(h.wrap(newRoot.secret())),
            CoreRecord.Stored.of(h.wrap(oldKek)),
            CoreRecord.encodeKeyring(opened.encrypt(newRoot)));
    core.write(migrated);
    record = migrated;
    oldRoot.destroy();
    becomeUnsealed(newRoot, opened, null);
    log.info("seal migrated from shamir to pkcs11; the old unseal shares are now recovery shares");
  }

  /** Recovery shares become unseal shares: the recovery key is the new KEK. */
  private void migrateHsmToShamir(
      CoreRecord r, SecretBytes recoveryKey, AesGcmKey root, Keyring opened)
      throws VaultException {
    ShamirKek newKek = ShamirKek.of(recoveryKey);
    CoreRecord migrated;
    try {
      migrated =
          new CoreRecord(
              CoreRecord.FORMAT,
              new SealParameters("shamir", r.recovery().shares(), r.recovery().threshold()),
              null,
              CoreRecord.Stored.of(newKek.wrap(root.secret())),
              null,
              r.keyring());
    } finally {
      newKek.destroy();
    }
    core.write(migrated);
    record = migrated;
    becomeUnsealed(root, opened, SecretBytes.wrap(copy(recoveryKey)));
    log.info("seal migrated from pkcs11 to shamir; the recovery shares are now unseal shares");
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
      CoreRecord r = record();
      if (!sealed) {
        return true;
      }
      if (r == null || !isHsmSealed(r) || migrationPending(r)) {
        return false;
      }
      AesGcmKey root = AesGcmKey.fromSecret(hsm().unwrap(r.rootKey().toWrappedKey()));
      becomeUnsealed(root, openKeyring(r, root), null);
      log.info("vault auto-unsealed by the HSM");
      return true;
    } catch (VaultException e) {
      hsm = null; // reconnect on the next attempt: the HSM may come back
      throw e;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SealStatus resetUnseal() throws VaultException {
    lock.lock();
    try {
      requireInitialized();
      if (!sealed) {
        throw new InvalidRequestException("vault is unsealed");
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
      if (sealed) {
        return;
      }
      requireToken(token);
      sealNow();
      log.info("vault sealed");
    } finally {
      lock.unlock();
    }
  }

  private void sealNow() {
    barrier.seal();
    keyring = null;
    if (rootKey != null) {
      rootKey.destroy();
      rootKey = null;
    }
    if (kek != null) {
      kek.destroy();
      kek = null;
    }
    hsm = null;
    unsealParts.reset();
    rotations.values().forEach(q -> q.parts.reset());
    rotations.clear();
    if (generateRoot != null) {
      generateRoot.parts.reset();
      generateRoot = null;
    }
    sealed = true;
    for (VaultListener l : listeners) {
      try {
        l.sealed();
      } catch (RuntimeException e) {
        log.warn("a seal listener failed: {}", e.getMessage());
        log.debug("seal listener failure", e);
      }
    }
  }

  private void becomeUnsealed(AesGcmKey root, Keyring opened, SecretBytes shamirKek) {
    rootKey = root;
    keyring = opened;
    kek = shamirKek;
    barrier.install(opened);
    sealed = false;
    for (VaultListener l : listeners) {
      try {
        l.unsealed(barrier);
      } catch (VaultException | RuntimeException e) {
        log.warn("an unseal listener failed: {}", e.getMessage());
        log.debug("unseal listener failure", e);
      }
    }
  }

  @Override
  public void checkToken(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
    } finally {
      lock.unlock();
    }
  }

  private void requireToken(String token) throws VaultException {
    if (sealed) {
      throw new SealedException();
    }
    if (!RootTokens.isValid(barrier, token)) {
      throw new PermissionDeniedException();
    }
  }

  // ---------------------------------------------------------------- keyring and root key

  @Override
  public KeyringStatus rotateKeyring(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      rotateKeyringNow();
      return keyringStatusNow();
    } finally {
      lock.unlock();
    }
  }

  private void rotateKeyringNow() throws VaultException {
    // Persist first, then use: no entry may be written under a term the stored keyring lacks.
    Keyring next = keyring.withNewTerm();
    CoreRecord rotated = record.withKeyring(CoreRecord.encodeKeyring(next.encrypt(rootKey)));
    core.write(rotated);
    record = rotated;
    barrier.install(next);
    keyring = next;
    log.info("barrier keyring rotated to term {}", next.activeTerm());
  }

  private void keyringRotationDue() {
    maintenance.execute(
        () -> {
          lock.lock();
          try {
            if (!sealed) {
              rotateKeyringNow();
            }
          } catch (VaultException | RuntimeException e) {
            log.warn("automatic keyring rotation failed: {}", e.getMessage());
            log.debug("keyring rotation failure", e);
          } finally {
            lock.unlock();
          }
        });
  }

  @Override
  public KeyringStatus keyringStatus(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      return keyringStatusNow();
    } finally {
      lock.unlock();
    }
  }

  private KeyringStatus keyringStatusNow() throws VaultException {
    return new KeyringStatus(
        barrier.activeTerm(), barrier.activeTermInstallTime(), barrier.encryptionsInActiveTerm());
  }

  @Override
  public void rotateRootKey(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      // Only the root key changes: the KEK (and so every operator's share) stays as it is.
      KeyWrapper wrapper = isHsmSealed(record) ? hsm() : ShamirKek.of(kek);
      try {
        replaceRootKey(wrapper);
      } finally {
        if (wrapper instanceof ShamirKek) {
          ((ShamirKek) wrapper).destroy();
        }
      }
      log.info("root key rotated");
    } finally {
      lock.unlock();
    }
  }

  private void replaceRootKey(KeyWrapper wrapper) throws VaultException {
    AesGcmKey newRoot = AesGcmKey.generate(random);
    try {
      CoreRecord rotated =
          record.withRootKey(
              CoreRecord.Stored.of(wrapper.wrap(newRoot.secret())),
              CoreRecord.encodeKeyring(keyring.encrypt(newRoot)));
      core.write(rotated);
      record = rotated;
    } catch (VaultException | RuntimeException e) {
      newRoot.destroy();
      throw e;
    }
    rootKey.destroy();
    rootKey = newRoot;
  }

  // ---------------------------------------------------------------- share rotation (rekey)

  @Override
  public RotationStatus rotationStatus(String token, RotationKind kind) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      return rotationStatusNow(kind);
    } finally {
      lock.unlock();
    }
  }

  private RotationStatus rotationStatusNow(RotationKind kind) {
    QuorumState q = rotations.get(kind);
    int required = quorumParameters(record).threshold();
    if (q == null) {
      return new RotationStatus(false, "", 0, 0, 0, required);
    }
    return new RotationStatus(
        true, q.parts.nonce(), q.newThreshold, q.newShares, q.parts.progress(), required);
  }

  @Override
  public RotationStatus startRotation(String token, RotationKind kind, int shares, int threshold)
      throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      if (rotations.containsKey(kind)) {
        throw new InvalidRequestException("rotation already in progress");
      }
      if (migrationPending(record)) {
        throw new InvalidRequestException("cannot rotate keys while a seal migration is pending");
      }
      boolean hsmSealed = isHsmSealed(record);
      if (kind == RotationKind.RECOVERY) {
        if (!hsmSealed) {
          throw new InvalidRequestException(
              "recovery keys exist only under auto-unseal (pkcs11); this vault uses shamir");
        }
        SealParameters.validate("recovery", shares, threshold);
      } else if (hsmSealed) {
        // Under auto-unseal a root rotation changes the root key only; no shares are made.
        shares = 0;
        threshold = 0;
      } else {
        SealParameters.validate("secret", shares, threshold);
      }
      rotations.put(kind, new QuorumState(shares, threshold, null));
      return rotationStatusNow(kind);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void cancelRotation(String token, RotationKind kind) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      QuorumState q = rotations.remove(kind);
      if (q != null) {
        q.parts.reset();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public RotationUpdate submitRotationKey(
      String token, RotationKind kind, String key, String nonce) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      QuorumState q = rotations.get(kind);
      if (q == null) {
        throw new InvalidRequestException("no rotation in progress");
      }
      if (!q.parts.nonce().equals(nonce)) {
        throw new InvalidRequestException("nonce does not match the rotation in progress");
      }
      q.parts.add(KeyShares.decode(key), ShareCollector.OnDuplicate.REFUSE);
      int required = quorumParameters(record).threshold();
      if (q.parts.progress() < required) {
        return new RotationUpdate(false, nonce, List.of(), List.of(), rotationStatusNow(kind));
      }
      List<SecretBytes> parts = q.parts.takeParts();
      try {
        SecretBytes combined = KeyShares.combine(parts);
        try {
          checkCurrentQuorum(combined);
          List<byte[]> newShares = commitRotation(kind, q);
          rotations.remove(kind);
          try {
            return new RotationUpdate(
                true,
                nonce,
                KeyShares.hex(newShares),
                KeyShares.base64(newShares),
                new RotationStatus(false, "", q.newThreshold, q.newShares, 0, required));
          } finally {
            KeyShares.wipe(newShares);
          }
        } finally {
          combined.destroy();
        }
      } catch (VaultException e) {
        q.parts.clearParts(); // the operation and its nonce stay; progress starts again
        throw e;
      } finally {
        ShareCollector.destroyAll(parts);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Commits a finished rotation with one atomic write and returns the new shares (maybe none). */
  private List<byte[]> commitRotation(RotationKind kind, QuorumState q) throws VaultException {
    if (kind == RotationKind.RECOVERY) {
      SecretBytes newRecovery = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, random);
      try {
        List<byte[]> shares = KeyShares.split(newRecovery, q.newShares, q.newThreshold, random);
        try {
          CoreRecord rotated =
              record.withRecovery(
                  new SealParameters("shamir", q.newShares, q.newThreshold),
                  CoreRecord.Stored.of(hsm().wrap(newRecovery)));
          core.write(rotated);
          record = rotated;
        } catch (VaultException | RuntimeException e) {
          KeyShares.wipe(shares);
          throw e;
        }
        log.info("recovery shares rotated to {} of {}", q.newThreshold, q.newShares);
        return shares;
      } finally {
        newRecovery.destroy();
      }
    }
    if (isHsmSealed(record)) {
      replaceRootKey(hsm());
      log.info("root key rotated (auto-unseal: recovery shares unchanged)");
      return List.of();
    }
    // Shamir rekey: a new KEK for new shares, and a new root key, in one write.
    SecretBytes newKek = SecretBytes.random(AesGcmKey.KEY_SIZE_IN_BYTES, random);
    List<byte[]> shares = KeyShares.split(newKek, q.newShares, q.newThreshold, random);
    ShamirKek wrapper = ShamirKek.of(newKek);
    AesGcmKey newRoot = AesGcmKey.generate(random);
    try {
      CoreRecord rotated =
          record
              .withSeal(new SealParameters("shamir", q.newShares, q.newThreshold))
              .withRootKey(
                  CoreRecord.Stored.of(wrapper.wrap(newRoot.secret())),
                  CoreRecord.encodeKeyring(keyring.encrypt(newRoot)));
      core.write(rotated);
      record = rotated;
    } catch (VaultException e) {
      newKek.destroy();
      newRoot.destroy();
      KeyShares.wipe(shares);
      throw e;
    } finally {
      wrapper.destroy();
    }
    rootKey.destroy();
    rootKey = newRoot;
    kek.destroy();
    kek = newKek;
    log.info("unseal shares rotated to {} of {}, with a new root key", q.newThreshold, q.newShares);
    return shares;
  }

  // ---------------------------------------------------------------- generate root

  @Override
  public GenerateRootStatus generateRootStatus(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      return generateRootStatusNow(null, null);
    } finally {
      lock.unlock();
    }
  }

  private GenerateRootStatus generateRootStatusNow(String otp, String encoded) {
    int required = quorumParameters(record).threshold();
    if (generateRoot == null) {
      return new GenerateRootStatus(
          false, "", 0, required, encoded != null, encoded, otp, RootTokens.LENGTH);
    }
    return new GenerateRootStatus(
        true,
        generateRoot.parts.nonce(),
        generateRoot.parts.progress(),
        required,
        false,
        null,
        otp,
        RootTokens.LENGTH);
  }

  @Override
  public GenerateRootStatus startGenerateRoot(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      if (generateRoot != null) {
        throw new InvalidRequestException("root generation already in progress");
      }
      StringBuilder otp = new StringBuilder(RootTokens.LENGTH);
      for (int i = 0; i < RootTokens.LENGTH; i++) {
        otp.append(BASE62.charAt(random.nextInt(BASE62.length())));
      }
      generateRoot = new QuorumState(0, 0, otp.toString());
      return generateRootStatusNow(generateRoot.otp, null);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void cancelGenerateRoot(String token) throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      if (generateRoot != null) {
        generateRoot.parts.reset();
        generateRoot = null;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public GenerateRootStatus submitGenerateRootKey(String token, String key, String nonce)
      throws VaultException {
    lock.lock();
    try {
      requireToken(token);
      QuorumState q = generateRoot;
      if (q == null) {
        throw new InvalidRequestException("no root generation in progress");
      }
      if (!q.parts.nonce().equals(nonce)) {
        throw new InvalidRequestException("nonce does not match the root generation in progress");
      }
      q.parts.add(KeyShares.decode(key), ShareCollector.OnDuplicate.REFUSE);
      if (q.parts.progress() < quorumParameters(record).threshold()) {
        return generateRootStatusNow(null, null);
      }
      List<SecretBytes> parts = q.parts.takeParts();
      try {
        SecretBytes combined = KeyShares.combine(parts);
        try {
          checkCurrentQuorum(combined);
        } finally {
          combined.destroy();
        }
        String newToken = RootTokens.create(barrier, random);
        generateRoot = null;
        log.info("a new root token was generated with a quorum of shares");
        return generateRootStatusNow(null, encodeWithOtp(newToken, q.otp));
      } catch (VaultException e) {
        q.parts.clearParts();
        throw e;
      } finally {
        ShareCollector.destroyAll(parts);
      }
    } finally {
      lock.unlock();
    }
  }

  /** base64(token XOR otp), as OpenBao encodes a generated root token. */
  static String encodeWithOtp(String token, String otp) {
    byte[] t = token.getBytes(StandardCharsets.US_ASCII);
    byte[] o = otp.getBytes(StandardCharsets.US_ASCII);
    byte[] x = new byte[t.length];
    for (int i = 0; i < t.length; i++) {
      x[i] = (byte) (t[i] ^ o[i]);
    }
    return Base64.getEncoder().encodeToString(x);
  }

  /** The inverse of {@link #encodeWithOtp}, for the CLI. */
  public static String decodeWithOtp(String encoded, String otp) {
    byte[] x = Base64.getDecoder().decode(encoded);
    byte[] o = otp.getBytes(StandardCharsets.US_ASCII);
    if (x.length != o.length) {
      throw new IllegalArgumentException("the one-time pad does not match the encoded token");
    }
    for (int i = 0; i < x.length; i++) {
      x[i] ^= o[i];
    }
    return new String(x, StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- barrier and listeners

  @Override
  public Storage barrier() {
    return barrier;
  }

  @Override
  public void addListener(VaultListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!sealed) {
        sealNow();
      }
    } finally {
      lock.unlock();
    }
    maintenance.shutdownNow();
  }

  // ---------------------------------------------------------------- helpers

  private CoreRecord record() throws VaultException {
    if (!recordLoaded) {
      record = core.read().orElse(null);
      recordLoaded = true;
    }
    return record;
  }

  private CoreRecord requireInitialized() throws VaultException {
    CoreRecord r = record();
    if (r == null) {
      throw new InvalidRequestException("Vault is not initialized");
    }
    return r;
  }

  private static boolean isHsmSealed(CoreRecord r) {
    return "pkcs11".equals(r.seal().type());
  }

  private boolean migrationPending(CoreRecord r) {
    return !r.seal().type().equals(sealConfig.activeType());
  }

  /** Whose shares a quorum operation takes: the unseal shares, or the recovery shares. */
  private static SealParameters quorumParameters(CoreRecord r) {
    return isHsmSealed(r) ? r.recovery() : r.seal();
  }

  private KeyWrapper hsm() throws VaultException {
    if (hsm == null) {
      if (sealConfig.pkcs11() == null) {
        throw new VaultException(
            "this vault is sealed by an HSM (pkcs11) but no pkcs11 seal is configured; add the"
                + " seal block (with disabled: true to migrate to Shamir shares)");
      }
      hsm = hsmConnector.connect(sealConfig.pkcs11());
    }
    return hsm;
  }

  private Keyring openKeyring(CoreRecord r, AesGcmKey root) throws VaultException {
    try {
      return Keyring.decrypt(r.keyringCiphertext(), root);
    } catch (DecryptionFailedException e) {
      throw new IntegrityException(
          "the stored keyring does not open with the stored root key: the storage is corrupt");
    }
  }

  /** The combined shares must be the current unseal KEK (Shamir) or recovery key (HSM). */
  private void checkCurrentQuorum(SecretBytes combined) throws VaultException {
    if (isHsmSealed(record)) {
      checkRecoveryShares(record, combined);
      return;
    }
    ShamirKek candidate;
    try {
      candidate = ShamirKek.of(combined);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("these shares do not match this vault");
    }
    try {
      SecretBytes storedRoot = candidate.unwrap(record.rootKey().toWrappedKey());
      try {
        if (!storedRoot.equalsInConstantTime(rootKey.secret())) {
          throw new InvalidRequestException("these shares do not match this vault");
        }
      } finally {
        storedRoot.destroy();
      }
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("these shares do not match this vault");
    } finally {
      candidate.destroy();
    }
  }

  private void checkRecoveryShares(CoreRecord r, SecretBytes combined) throws VaultException {
    if (r.recoveryKey() == null) {
      throw new InvalidRequestException("this vault has no recovery key");
    }
    SecretBytes stored = hsm().unwrap(r.recoveryKey().toWrappedKey());
    try {
      if (!stored.equalsInConstantTime(combined)) {
        throw new InvalidRequestException(
            "these recovery shares do not match this vault (a wrong share, or shares of another"
                + " vault)");
      }
    } finally {
      stored.destroy();
    }
  }

  private static byte[] copy(SecretBytes s) {
    return s.copyOut(SecretAccess.INSECURE);
  }
}
