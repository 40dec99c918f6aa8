package io.brine.master.cluster;

import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.Aead;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.crypto.mac.HmacSha256;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two keys a cluster's shared stores need, kept in the barrier so the database that holds the
 * stores never holds them: the data key ({@link #DATA_KEY_PATH}, AES-256-GCM over what jobs and
 * returns say) and the key-row MAC key ({@link #KEY_MAC_PATH}, HMAC-SHA-256 over each minion key's
 * id, state and key, so a database writer cannot accept a key).
 *
 * <p>The active master makes them the first time the cluster is unsealed (a fenced write, so two
 * masters never make two); every master loads them at unseal, and a standby that finds them
 * missing tries again at each {@link #refresh} until the active has written them. They are wiped
 * at seal. Until they are loaded, {@link #dataAead()} and {@link #keyMac()} refuse, the way a
 * sealed vault does.
 *
 * <p>A master of its own holds them too, always active: its data key seals its file job cache
 * ({@link io.brine.master.jobs.JobCache}), for the same reason, a job's returns can hold a vault
 * secret.
 */
public final class ClusterSecrets implements VaultListener {
  private static final Logger log = LoggerFactory.getLogger(ClusterSecrets.class);

  public static final String DATA_KEY_PATH = "cluster/data-key";
  public static final String KEY_MAC_PATH = "cluster/key-mac";
  private static final int KEY_BYTES = 32;

  private final BooleanSupplier active;
  private final SecureRandom random;
  private final Aead dataAead = new DataAead();

  /** Held for reading by each use of the data key, for writing while the seal wipes it. */
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

  private Storage barrier;
  private AesGcmKey dataKey;
  private RandomNonceAesGcm data;
  private SecretBytes macKey;
  private HmacSha256 mac;

  /** @param active true while this master holds the HA lock: only then does it make the keys */
  public ClusterSecrets(BooleanSupplier active, SecureRandom random) {
    this.active = Objects.requireNonNull(active, "active");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The AEAD the shared job store seals with: the same object before and after unseals, refusing
   * with a {@link GeneralSecurityException} while the keys are not loaded.
   */
  public Aead dataAead() {
    return dataAead;
  }

  /** The key rows' MAC, or empty while the keys are not loaded. */
  public synchronized Optional<HmacSha256> keyMac() {
    return Optional.ofNullable(mac);
  }

  public synchronized boolean loaded() {
    return data != null && mac != null;
  }

  @Override
  public void unsealed(Storage barrier) {
    synchronized (this) {
      this.barrier = barrier;
    }
    refresh();
  }

  /**
   * Loads the keys if they are not loaded yet, making the missing ones first on the active master.
   * Cheap once loaded; the master calls it at unseal, when it becomes active, and each second.
   */
  public synchronized void refresh() {
    if (barrier == null || loaded()) {
      return;
    }
    try {
      Optional<byte[]> dataBytes = readOrMake(DATA_KEY_PATH);
      Optional<byte[]> macBytes;
      try {
        macBytes = readOrMake(KEY_MAC_PATH);
      } catch (VaultException | RuntimeException e) {
        dataBytes.ifPresent(b -> Arrays.fill(b, (byte) 0));
        throw e;
      }
      if (dataBytes.isEmpty() || macBytes.isEmpty()) {
        dataBytes.ifPresent(b -> Arrays.fill(b, (byte) 0));
        macBytes.ifPresent(b -> Arrays.fill(b, (byte) 0));
        return; // a standby before the active made them: the next refresh tries again
      }
      dataKey = AesGcmKey.fromSecret(SecretBytes.wrap(dataBytes.get()));
      data = RandomNonceAesGcm.create(dataKey);
      macKey = SecretBytes.wrap(macBytes.get());
      mac = HmacSha256.create(macKey);
      log.info("the cluster's data and key-row keys are loaded");
    } catch (VaultException e) {
      log.warn("cannot load the cluster's data keys: {}", e.getMessage());
    }
  }

  private Optional<byte[]> readOrMake(String path) throws VaultException {
    Optional<byte[]> stored = barrier.get(path);
    if (stored.isPresent()) {
      byte[] bytes = stored.get();
      if (bytes.length != KEY_BYTES) {
        Arrays.fill(bytes, (byte) 0);
        throw new IntegrityException("the cluster key at " + path + " is malformed");
      }
      return stored;
    }
    if (!active.getAsBoolean()) {
      return Optional.empty();
    }
    byte[] fresh = new byte[KEY_BYTES];
    random.nextBytes(fresh);
    barrier.put(path, fresh);
    log.info("made the cluster key at {}", path);
    return Optional.of(fresh);
  }

  @Override
  public void sealed() {
    inUse.writeLock().lock(); // first, then the monitor: the order a DataAead call takes them
    try {
      synchronized (this) {
        barrier = null;
        data = null;
        mac = null;
        if (dataKey != null) {
          dataKey.destroy();
          dataKey = null;
        }
        if (macKey != null) {
          macKey.destroy();
          macKey = null;
        }
      }
    } finally {
      inUse.writeLock().unlock();
    }
  }

  private synchronized RandomNonceAesGcm data() throws GeneralSecurityException {
    if (data == null) {
      throw new GeneralSecurityException(
          "the cluster's data key is not loaded (the vault is sealed, or the active master has not"
              + " made it yet)");
    }
    return data;
  }

  /**
   * Delegates to the loaded key, so the stores can hold one object across seals. Each call holds
   * {@link #inUse} for reading, so a seal waits for the calls using the key before it wipes it: a
   * value is never sealed under a key being zeroed.
   */
  private final class DataAead implements Aead {
    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
      inUse.readLock().lock();
      try {
        return data().encrypt(plaintext, associatedData);
      } finally {
        inUse.readLock().unlock();
      }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
        throws GeneralSecurityException {
      inUse.readLock().lock();
      try {
        return data().decrypt(ciphertext, associatedData);
      } finally {
        inUse.readLock().unlock();
      }
    }
  }
}
