package io.brine.vault.barrier;

import io.brine.crypto.KeyExhaustedException;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.KeyringStatus;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.StoragePaths;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security barrier: a {@link Storage} whose values are encrypted under the installed {@link
 * Keyring} before they reach the physical storage, as OpenBao's AES-GCM barrier.
 *
 * <p>A value at the logical path {@code p} is stored at the physical path {@code "barrier/" + p},
 * so barrier entries never collide with the records the vault core keeps beside them. Its bytes are
 *
 * <pre>
 *   term (4 bytes, big-endian) || version 0x02 || nonce (12) || ciphertext || tag (16)
 * </pre>
 *
 * <p>AES-256-GCM under the key of {@code term}, with a random nonce and the logical path in UTF-8
 * as associated data, so a value copied to another path does not decrypt. Version 0x02 is OpenBao's
 * "associated data is the path"; its 0x01 (no associated data) is refused, because brine never
 * wrote one and accepting it would let a value be moved. Reading a value that is too short, has
 * another version, names a term the keyring lacks or does not decrypt throws {@link
 * IntegrityException}; wrong data is never returned.
 *
 * <p>The barrier starts sealed. {@link #install} unseals it; {@link #seal} destroys the keyring's
 * keys. While sealed, every {@link Storage} method throws {@link SealedException}. The barrier
 * counts encryptions under the active term and calls {@code rotationDue} once per term when the
 * count reaches the limit; the vault core then persists and installs a new keyring, which the
 * barrier never does itself. Counts start at zero when a term's key is first installed.
 *
 * <p>On a cluster of masters another master may rotate the keyring: a value under a term this
 * barrier does not know makes it ask its {@link UnknownTerm} hook once (the vault reloads the
 * keyring from the stored core record), then look again; only then is the value refused.
 *
 * <p>Thread-safe. The keys are used under a read lock and {@link #seal} destroys them under the
 * write lock, so an encryption never runs with a half-wiped key; physical reads and writes happen
 * outside the lock, so a slow disk never holds up a seal.
 */
public final class Barrier implements Storage {
  /**
   * OpenBao's default for automatic keyring rotation: about 90% of the 2^32 messages NIST allows
   * one key with random nonces, leaving room for the writes made before the rotation lands.
   */
  public static final long DEFAULT_MAX_OPERATIONS_PER_TERM = 3_865_470_566L;

  /** Where barrier entries live in the physical storage. */
  public static final String PHYSICAL_PREFIX = "barrier/";

  /** The longest logical path: the physical path must fit {@link StoragePaths}. */
  public static final int MAX_PATH_LENGTH = StoragePaths.MAX_PATH_LENGTH - PHYSICAL_PREFIX.length();

  static final byte VERSION = 0x02;
  static final int HEADER_SIZE_IN_BYTES = 5;
  private static final int GCM_OVERHEAD_IN_BYTES = 12 + 16;

  private static final Logger LOG = LoggerFactory.getLogger(Barrier.class);

  private final Storage physical;
  private final long maxOperationsPerTerm;
  private final Runnable rotationDue;
  private final UnknownTerm unknownTerm;
  private final ReadWriteLock keyUse = new ReentrantReadWriteLock();
  private volatile Unsealed state; // null while sealed; written under keyUse's write lock

  /** A sealed barrier over {@code physical} with OpenBao's rotation limit and no rotation hook. */
  public Barrier(Storage physical) {
    this(physical, DEFAULT_MAX_OPERATIONS_PER_TERM, () -> {});
  }

  /**
   * A sealed barrier over {@code physical} that calls {@code rotationDue} from the writing thread
   * when the active term has encrypted {@code maxOperationsPerTerm} values.
   */
  public Barrier(Storage physical, long maxOperationsPerTerm, Runnable rotationDue) {
    this(physical, maxOperationsPerTerm, rotationDue, term -> false);
  }

  /**
   * As {@link #Barrier(Storage, long, Runnable)}, asking {@code unknownTerm} once when a stored
   * value names a term the installed keyring lacks (another master rotated the keyring).
   */
  public Barrier(
      Storage physical, long maxOperationsPerTerm, Runnable rotationDue, UnknownTerm unknownTerm) {
    this.physical = Objects.requireNonNull(physical, "physical");
    this.rotationDue = Objects.requireNonNull(rotationDue, "rotationDue");
    this.unknownTerm = Objects.requireNonNull(unknownTerm, "unknownTerm");
    if (maxOperationsPerTerm < 1 || maxOperationsPerTerm > RandomNonceAesGcm.MAX_MESSAGES) {
      throw new IllegalArgumentException(
          "operations per term must be in 1.." + RandomNonceAesGcm.MAX_MESSAGES);
    }
    this.maxOperationsPerTerm = maxOperationsPerTerm;
  }

  /**
   * Unseals the barrier with {@code keyring}, or replaces the installed one after a rotation. The
   * previous keyring is not destroyed: a rotated keyring shares its keys (see {@link
   * Keyring#withNewTerm}).
   */
  public void install(Keyring keyring) {
    Objects.requireNonNull(keyring, "keyring");
    if (keyring.activeKey().isDestroyed()) {
      throw new IllegalArgumentException("cannot install a destroyed keyring");
    }
    keyUse.writeLock().lock();
    try {
      state = Unsealed.of(keyring, state);
    } finally {
      keyUse.writeLock().unlock();
    }
  }

  /**
   * Asked, from the reading thread and outside the barrier's locks, when a stored value names a
   * term the installed keyring lacks.
   */
  @FunctionalInterface
  public interface UnknownTerm {
    /**
     * Installs a newer keyring if there is one ({@link #install}); never throws.
     *
     * @return whether the caller should look for the term again
     */
    boolean reload(int term);
  }

  /** Seals the barrier: destroys every key of the installed keyring and drops it. */
  public void seal() {
    keyUse.writeLock().lock();
    try {
      Unsealed s = state;
      state = null;
      if (s != null) {
        s.keyring.destroy();
      }
    } finally {
      keyUse.writeLock().unlock();
    }
  }

  public boolean isSealed() {
    return state == null;
  }

  public int activeTerm() throws SealedException {
    return unsealed().activeTerm;
  }

  public Instant activeTermInstallTime() throws SealedException {
    Unsealed s = unsealed();
    return s.keyring.installTime(s.activeTerm);
  }

  public long encryptionsInActiveTerm() throws SealedException {
    return unsealed().active.encryptions.get();
  }

  /** The three above, read from one keyring. */
  public KeyringStatus keyringStatus() throws SealedException {
    Unsealed s = unsealed();
    return new KeyringStatus(
        s.activeTerm, s.keyring.installTime(s.activeTerm), s.active.encryptions.get());
  }

  @Override
  public Optional<byte[]> get(String path) throws VaultException {
    checkPath(path);
    unsealed();
    Optional<byte[]> stored = physical.get(PHYSICAL_PREFIX + path);
    if (stored.isEmpty()) {
      return stored;
    }
    return Optional.of(open(path, stored.get()));
  }

  @Override
  public void put(String path, byte[] value) throws VaultException {
    checkPath(path);
    Objects.requireNonNull(value, "value");
    TermCipher used;
    byte[] entry;
    keyUse.readLock().lock();
    try {
      Unsealed s = unsealed();
      used = s.active;
      entry = encrypt(s.activeTerm, used, path, value);
    } finally {
      keyUse.readLock().unlock();
    }
    // Counted whether or not the write lands: the nonce is spent either way.
    boolean due =
        used.encryptions.incrementAndGet() >= maxOperationsPerTerm
            && used.rotationSignalled.compareAndSet(false, true);
    try {
      physical.put(PHYSICAL_PREFIX + path, entry);
    } finally {
      if (due) {
        signalRotation(used);
      }
    }
  }

  @Override
  public void delete(String path) throws VaultException {
    checkPath(path);
    unsealed();
    physical.delete(PHYSICAL_PREFIX + path);
  }

  @Override
  public List<String> list(String prefix) throws VaultException {
    StoragePaths.checkPrefix(prefix);
    unsealed();
    return physical.list(PHYSICAL_PREFIX + prefix);
  }

  @Override
  public String toString() {
    Unsealed s = state;
    return s == null ? "Barrier[sealed]" : "Barrier[active term " + s.activeTerm + "]";
  }

  private Unsealed unsealed() throws SealedException {
    Unsealed s = state;
    if (s == null) {
      throw new SealedException();
    }
    return s;
  }

  private static void checkPath(String path) throws InvalidRequestException {
    StoragePaths.check(path);
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidRequestException(
          "barrier path is longer than " + MAX_PATH_LENGTH + " characters");
    }
  }

  /** Must run under the read lock. */
  private static byte[] encrypt(int term, TermCipher cipher, String path, byte[] value)
      throws VaultException {
    byte[] sealed;
    try {
      sealed = cipher.aead.encrypt(value, associatedData(path));
    } catch (KeyExhaustedException e) {
      throw new VaultException(
          "the barrier key of term " + term + " has encrypted all it may; rotate the keyring");
    } catch (GeneralSecurityException e) {
      LOG.debug("barrier encryption failed for {}", path, e);
      throw new VaultException("barrier encryption failed for " + path);
    } catch (IllegalStateException e) {
      throw sealedIfDestroyed(cipher.key, e);
    }
    return ByteBuffer.allocate(HEADER_SIZE_IN_BYTES + sealed.length)
        .putInt(term)
        .put(VERSION)
        .put(sealed)
        .array();
  }

  private byte[] open(String path, byte[] entry) throws VaultException {
    if (entry.length < HEADER_SIZE_IN_BYTES + GCM_OVERHEAD_IN_BYTES) {
      throw new IntegrityException("stored value at " + path + " is too short for a barrier entry");
    }
    int term = ByteBuffer.wrap(entry).getInt();
    if (entry[4] != VERSION) {
      throw new IntegrityException(
          "stored value at " + path + " has unknown barrier version " + (entry[4] & 0xff));
    }
    byte[] sealed = Arrays.copyOfRange(entry, HEADER_SIZE_IN_BYTES, entry.length);
    byte[] plain = decrypt(term, path, sealed);
    // Once, outside the lock: the reload installs a keyring, which takes the write lock.
    if (plain == null && unknownTerm.reload(term)) {
      plain = decrypt(term, path, sealed);
    }
    if (plain == null) {
      throw new IntegrityException(
          "no barrier key for term " + Integer.toUnsignedString(term) + " at " + path);
    }
    return plain;
  }

  /** The plaintext, or null when the installed keyring has no key for {@code term}. */
  private byte[] decrypt(int term, String path, byte[] sealed) throws VaultException {
    keyUse.readLock().lock();
    try {
      TermCipher cipher = unsealed().ciphers.get(term);
      if (cipher == null) {
        return null;
      }
      try {
        return cipher.aead.decrypt(sealed, associatedData(path));
      } catch (GeneralSecurityException e) {
        throw new IntegrityException("stored value at " + path + " failed its integrity check");
      } catch (IllegalStateException e) {
        throw sealedIfDestroyed(cipher.key, e);
      }
    } finally {
      keyUse.readLock().unlock();
    }
  }

  /**
   * Seal cannot destroy a key in use (it waits for the write lock), but a caller can destroy a
   * keyring that shares keys with the installed one. That leaves the barrier as unusable as a seal
   * does, and it is reported the same way; any other state error is a bug and stays one.
   */
  private static SealedException sealedIfDestroyed(AesGcmKey key, IllegalStateException e) {
    if (!key.isDestroyed()) {
      throw e;
    }
    return new SealedException();
  }

  /** Runs outside the lock: the callback installs a new keyring, which takes the write lock. */
  private void signalRotation(TermCipher cipher) {
    try {
      rotationDue.run();
    } catch (RuntimeException e) {
      // Let the next write try again rather than lose the signal for this term.
      cipher.rotationSignalled.set(false);
      LOG.warn("keyring rotation hook failed: {}", e.toString());
      LOG.debug("keyring rotation hook failure", e);
    }
  }

  private static byte[] associatedData(String path) {
    return path.getBytes(StandardCharsets.UTF_8);
  }

  /** One term's cipher and its encryption count; kept across installs while the key is the same. */
  private static final class TermCipher {
    final AesGcmKey key;
    final RandomNonceAesGcm aead;
    final AtomicLong encryptions = new AtomicLong();
    final AtomicBoolean rotationSignalled = new AtomicBoolean();

    TermCipher(AesGcmKey key) {
      this.key = key;
      this.aead = RandomNonceAesGcm.create(key);
    }
  }

  /** What an unsealed barrier holds; replaced whole, never changed. */
  private static final class Unsealed {
    final Keyring keyring;
    final Map<Integer, TermCipher> ciphers;
    final int activeTerm;
    final TermCipher active;

    private Unsealed(Keyring keyring, Map<Integer, TermCipher> ciphers) {
      this.keyring = keyring;
      this.ciphers = ciphers;
      this.activeTerm = keyring.activeTerm();
      this.active = ciphers.get(activeTerm);
    }

    /**
     * Reuses {@code previous}'s cipher for every term whose key object is unchanged, so that
     * re-installing a keyring (after a root-key rotation, say) keeps the active term's count and
     * does not signal its rotation twice.
     */
    static Unsealed of(Keyring keyring, Unsealed previous) {
      Map<Integer, TermCipher> ciphers = new HashMap<>();
      for (int term : keyring.terms()) {
        AesGcmKey key = keyring.key(term).orElseThrow();
        TermCipher old = previous == null ? null : previous.ciphers.get(term);
        ciphers.put(term, old != null && old.key == key ? old : new TermCipher(key));
      }
      return new Unsealed(keyring, Map.copyOf(ciphers));
    }
  }
}
