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
import io.brine.vault.policy.PolicyStore;
import io.brine.vault.token.TokenStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's keys and the record that stores them, with the steps every flow shares: reading the
 * record, checking a token or a quorum, committing a new record, unsealing and wiping. Not
 * thread-safe: {@link VaultCore} calls everything here under its one lock.
 */
final class VaultState {
  private static final Logger log = LoggerFactory.getLogger(VaultState.class);

  /**
   * Behind the barrier on a shared storage: the Shamir KEK after a rekey, so that the other
   * masters, unsealed with the old shares, can follow (OpenBao keeps {@code core/shamir-kek} there
   * for the same reason).
   */
  static final String SHAMIR_KEK_PATH = "core/shamir-kek";

  private static final long STATUS_REREAD_NANOS = 1_000_000_000L;

  final CoreStore core;
  final Barrier barrier;
  final SealConfiguration sealConfig;
  final SecureRandom random;
  final Clock clock;
  /**
   * The storage is shared with other masters (a cluster on PostgreSQL): the record is read anew
   * while sealed, and a change the active master made is followed while unsealed ({@link
   * #follow}).
   */
  final boolean shared;

  private final HsmConnector hsmConnector;
  private final List<VaultListener> listeners;

  /** Volatile so a status can be read while a slow HSM call holds the vault's lock. */
  private volatile CoreRecord record;

  private volatile boolean recordLoaded;
  private volatile long recordReadNanos;
  /** The live keys, null while sealed. {@code kek} only under the Shamir seal. */
  AesGcmKey rootKey;

  Keyring keyring;
  SecretBytes kek;
  private KeyWrapper hsm;
  /** Read without the lock by status callers. */
  volatile boolean sealed = true;

  /**
   * The stores over the barrier, made at unseal and dropped at seal (the token store's salt is
   * wiped then). Volatile: {@link Vault#tokens} hands them out without the vault's lock.
   */
  volatile TokenStore tokens;

  volatile PolicyStore policies;

  VaultState(
      CoreStore core,
      Barrier barrier,
      SealConfiguration sealConfig,
      HsmConnector hsmConnector,
      SecureRandom random,
      Clock clock,
      List<VaultListener> listeners,
      boolean shared) {
    this.core = core;
    this.shared = shared;
    this.barrier = barrier;
    this.sealConfig = sealConfig;
    this.hsmConnector = hsmConnector;
    this.random = random;
    this.clock = clock;
    this.listeners = listeners;
  }

  /**
   * The stored record: read once, then kept (every write goes through {@link #commit}). On a
   * shared storage it is read anew on every call while sealed: another master may have
   * initialized or rekeyed the vault meanwhile.
   */
  CoreRecord record() throws VaultException {
    if (!recordLoaded || (shared && sealed)) {
      reload();
    }
    return record;
  }

  /**
   * As {@link #record} for a status, which monitors and the minion listener ask often: on a shared
   * storage while sealed, read at most once a second.
   */
  CoreRecord recordForStatus() throws VaultException {
    if (!recordLoaded
        || (shared && sealed && System.nanoTime() - recordReadNanos > STATUS_REREAD_NANOS)) {
      reload();
    }
    return record;
  }

  private void reload() throws VaultException {
    record = core.read().orElse(null);
    recordLoaded = true;
    recordReadNanos = System.nanoTime();
  }

  /** The record as last read, without reading storage: for callers that do not hold the lock. */
  CoreRecord recordIfLoaded() {
    return recordLoaded ? record : null;
  }

  CoreRecord requireInitialized() throws VaultException {
    CoreRecord r = record();
    if (r == null) {
      throw new InvalidRequestException("Vault is not initialized");
    }
    return r;
  }

  /** Writes {@code next} atomically; only then does it become the record. */
  void commit(CoreRecord next) throws VaultException {
    core.write(next);
    record = next;
    recordLoaded = true;
  }

  static boolean isHsmSealed(CoreRecord r) {
    return "pkcs11".equals(r.seal().type());
  }

  boolean migrationPending(CoreRecord r) {
    return !r.seal().type().equals(sealConfig.activeType());
  }

  /** Whose shares a quorum operation takes: the unseal shares, or the recovery shares. */
  static SealParameters quorumParameters(CoreRecord r) {
    return isHsmSealed(r) ? r.recovery() : r.seal();
  }

  /**
   * Refuses {@code share} on arrival when the record has check values and none is this share's;
   * the refused share is destroyed. Records written before check values existed (no {@code
   * share_checks}) take every share, as OpenBao does, until their next rekey.
   */
  static void requireOwnShare(CoreRecord r, SecretBytes share) throws ForeignShareException {
    if (r.shareChecks() != null && !r.shareChecks().recognizes(share)) {
      share.destroy();
      throw new ForeignShareException();
    }
  }

  int requiredShares() throws VaultException {
    return quorumParameters(requireInitialized()).threshold();
  }

  /**
   * The token is live (no use spent: the request path spent it). What it may do is the request
   * path's decision (its policies), not the vault's.
   */
  void requireToken(String token) throws VaultException {
    TokenStore t = tokens;
    if (sealed || t == null) {
      throw new SealedException();
    }
    if (t.lookup(token).isEmpty()) {
      throw new PermissionDeniedException();
    }
  }

  /** A token store over the barrier for a moment while sealed (init): the caller forgets it. */
  TokenStore newTokenStore() {
    return new TokenStore(barrier, random, clock);
  }

  /** The HSM wrapper, connecting on first use (again after a failure: the HSM may come back). */
  KeyWrapper hsm() throws VaultException {
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

  void forgetHsm() {
    hsm = null;
  }

  Keyring openKeyring(CoreRecord r, AesGcmKey root) throws VaultException {
    try {
      return Keyring.decrypt(r.keyringCiphertext(), root);
    } catch (DecryptionFailedException e) {
      throw new IntegrityException(
          "the stored keyring does not open with the stored root key: the storage is corrupt");
    }
  }

  /** The combined shares must be the current unseal KEK (Shamir) or recovery key (HSM). */
  void checkCurrentQuorum(SecretBytes combined) throws VaultException {
    CoreRecord r = requireInitialized();
    if (isHsmSealed(r)) {
      checkRecoveryShares(r, combined);
      return;
    }
    ShamirKek candidate;
    try {
      candidate = ShamirKek.of(combined);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException("these shares do not match this vault");
    }
    try {
      SecretBytes storedRoot = candidate.unwrap(r.rootKey().toWrappedKey());
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

  /** Recovery shares authorize; compared in constant time with the HSM-unwrapped recovery key. */
  void checkRecoveryShares(CoreRecord r, SecretBytes combined) throws VaultException {
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

  /** A new root key re-encrypts the keyring; {@code wrapper} (KEK or HSM) stores it. */
  void replaceRootKey(KeyWrapper wrapper) throws VaultException {
    AesGcmKey newRoot = AesGcmKey.generate(random);
    try {
      commit(
          record.withRootKey(
              CoreRecord.Stored.of(wrapper.wrap(newRoot.secret())),
              CoreRecord.encodeKeyring(keyring.encrypt(newRoot))));
    } catch (VaultException | RuntimeException e) {
      newRoot.destroy();
      throw e;
    }
    rootKey.destroy();
    rootKey = newRoot;
  }

  /** Adds a keyring term. Persisted first: no entry may be written under an unstored term. */
  void rotateKeyring() throws VaultException {
    Keyring next = keyring.withNewTerm();
    commit(record.withKeyring(CoreRecord.encodeKeyring(next.encrypt(rootKey))));
    barrier.install(next);
    keyring = next;
    log.info("barrier keyring rotated to term {}", next.activeTerm());
  }

  /**
   * On a shared storage, writes the new KEK of a rekey behind the barrier before the record that
   * uses it, so that the other masters can open the new root key (see {@link #follow}).
   */
  void shareKek(SecretBytes newKek) throws VaultException {
    if (!shared) {
      return;
    }
    byte[] raw = newKek.copyOut(SecretAccess.INSECURE);
    try {
      barrier.put(SHAMIR_KEK_PATH, raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Follows the record another master wrote on the shared storage: a rotated keyring, a rotated
   * root key (unwrapped by this master's KEK or HSM, or after a rekey by the KEK behind the
   * barrier), new shares. Everything is opened before anything changes here.
   *
   * @return whether the record had changed
   * @throws IntegrityException when this master cannot open the new keys; it keeps the old ones
   */
  boolean follow() throws VaultException {
    CoreRecord next = core.read().orElse(null);
    if (next == null) {
      throw new IntegrityException(
          "the vault's core record (" + CoreRecord.PATH + ") is gone from the shared storage");
    }
    if (next.equals(record)) {
      return false;
    }
    AesGcmKey newRoot = null;
    SecretBytes newKek = null;
    Keyring opened;
    try {
      try {
        opened = Keyring.decrypt(next.keyringCiphertext(), rootKey);
      } catch (DecryptionFailedException e) {
        opened = null; // the root key changed
      }
      if (opened == null) {
        if (isHsmSealed(next)) {
          newRoot = AesGcmKey.fromSecret(hsm().unwrap(next.rootKey().toWrappedKey()));
        } else {
          newKek = kekFor(next);
          ShamirKek wrapper = ShamirKek.of(newKek);
          try {
            newRoot = AesGcmKey.fromSecret(wrapper.unwrap(next.rootKey().toWrappedKey()));
          } finally {
            wrapper.destroy();
          }
        }
        try {
          opened = Keyring.decrypt(next.keyringCiphertext(), newRoot);
        } catch (DecryptionFailedException e) {
          throw new IntegrityException(
              "the shared keyring does not open with the shared root key: the storage is corrupt");
        }
      }
    } catch (VaultException | RuntimeException e) {
      if (newRoot != null) {
        newRoot.destroy();
      }
      if (newKek != null && newKek != kek) {
        newKek.destroy();
      }
      throw e;
    }
    Keyring old = keyring;
    barrier.install(opened);
    keyring = opened;
    old.destroy();
    if (newRoot != null) {
      rootKey.destroy();
      rootKey = newRoot;
    }
    if (newKek != null && newKek != kek) {
      if (kek != null) {
        kek.destroy();
      }
      kek = newKek;
    }
    record = next;
    recordReadNanos = System.nanoTime();
    log.info(
        "followed the active master's keys: barrier keyring at term {}{}",
        opened.activeTerm(),
        newRoot == null ? "" : ", new root key");
    return true;
  }

  /** The KEK that unwraps {@code next}'s root key: this master's own, or the one shared at a rekey. */
  private SecretBytes kekFor(CoreRecord next) throws VaultException {
    if (kek != null && unwraps(kek, next)) {
      return kek;
    }
    byte[] shared = barrier.get(SHAMIR_KEK_PATH).orElse(null);
    if (shared != null) {
      SecretBytes candidate = SecretBytes.wrap(shared);
      if (unwraps(candidate, next)) {
        return candidate;
      }
      candidate.destroy();
    }
    throw new IntegrityException(
        "the active master changed the root key, and neither this master's unseal key nor the one"
            + " shared at the last rekey opens it");
  }

  private static boolean unwraps(SecretBytes candidate, CoreRecord next) throws VaultException {
    ShamirKek wrapper;
    try {
      wrapper = ShamirKek.of(candidate);
    } catch (InvalidRequestException e) {
      return false;
    }
    try {
      wrapper.unwrap(next.rootKey().toWrappedKey()).destroy();
      return true;
    } catch (InvalidRequestException e) {
      return false;
    } finally {
      wrapper.destroy();
    }
  }

  KeyringStatus keyringStatus() throws VaultException {
    return new KeyringStatus(
        barrier.activeTerm(), barrier.activeTermInstallTime(), barrier.encryptionsInActiveTerm());
  }

  void becomeUnsealed(AesGcmKey root, Keyring opened, SecretBytes shamirKek) {
    rootKey = root;
    keyring = opened;
    kek = shamirKek;
    barrier.install(opened);
    tokens = newTokenStore();
    policies = new PolicyStore(barrier);
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

  /** Wipes every key and tells the listeners; the caller resets its quorum operations. */
  void wipeKeys() {
    for (VaultListener l : listeners) {
      try {
        l.sealing();
      } catch (RuntimeException e) {
        log.warn("a seal listener failed before the seal: {}", e.getMessage());
        log.debug("pre-seal listener failure", e);
      }
    }
    TokenStore t = tokens;
    tokens = null;
    policies = null;
    if (t != null) {
      t.forget();
    }
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
}
