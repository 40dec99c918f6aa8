package io.brine.master;

import io.brine.common.files.DurableFiles;
import io.brine.crypto.rsa.Fingerprints;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the master's RSA key pair while the vault is unsealed, and only then.
 *
 * <p>The private key lives nowhere but behind the barrier, at {@value #PRIVATE_KEY_PATH} (PKCS#8
 * PEM). At the first unseal of a fresh vault it is generated there. At every unseal the public half
 * is published in clear to {@code <pki_dir>/master/master.pub}, where minions and {@code
 * salt-key}-style tools read it; the vault is the source of truth, so a missing or different file
 * is rewritten. When the vault seals the pair is dropped (RSA keys cannot be wiped in a JVM:
 * docs/security.md).
 *
 * <p>Called by the vault under its lock, so unseal and seal never overlap; {@link #masterKey} may
 * be called from any thread.
 */
public final class MasterKeyHolder implements VaultListener {
  private static final Logger log = LoggerFactory.getLogger(MasterKeyHolder.class);

  /** Where the master's private key is kept, behind the barrier. */
  public static final String PRIVATE_KEY_PATH = "master/rsa-private-key";

  private final Path publicKeyFile;
  private final int keysize;
  private volatile KeyPair keyPair;

  /**
   * @param pkiDir the PKI folder; the public key goes to {@code master/master.pub} in it
   * @param keysize bits of the RSA key generated on a fresh vault
   */
  public MasterKeyHolder(Path pkiDir, int keysize) {
    this.publicKeyFile = pkiDir.resolve("master").resolve("master.pub");
    this.keysize = keysize;
  }

  /** The master's key pair while the vault is unsealed; empty while it is sealed. */
  public Optional<KeyPair> masterKey() {
    return Optional.ofNullable(keyPair);
  }

  /** {@code <pki_dir>/master/master.pub}. */
  public Path publicKeyFile() {
    return publicKeyFile;
  }

  @Override
  public void unsealed(Storage barrier) throws VaultException {
    KeyPair pair = loadOrGenerate(barrier);
    keyPair = pair;
    publish((RSAPublicKey) pair.getPublic());
  }

  @Override
  public void sealed() {
    keyPair = null;
  }

  private KeyPair loadOrGenerate(Storage barrier) throws VaultException {
    Optional<byte[]> stored = barrier.get(PRIVATE_KEY_PATH);
    if (stored.isPresent()) {
      byte[] pem = stored.get();
      try {
        return Pem.readPrivateKey(pem);
      } catch (GeneralSecurityException e) {
        throw new VaultException(
            "the master's private key in the vault is not usable: " + e.getMessage(), e);
      } finally {
        Arrays.fill(pem, (byte) 0);
      }
    }
    if (Files.exists(publicKeyFile)) {
      // A published identity with no private key behind it: the vault's storage was replaced or
      // the entry deleted. Making a new key here would silently change the master's identity,
      // and every minion that pinned the old one would refuse it.
      throw new VaultException(
          "the vault holds no master private key but "
              + publicKeyFile
              + " exists: restore the vault storage from a backup, or delete that file to give"
              + " this master a new identity (every minion must then accept the new key)");
    }
    KeyPair fresh;
    try {
      fresh = RsaKeys.generate(keysize);
    } catch (GeneralSecurityException e) {
      throw new VaultException("cannot generate the master's RSA key: " + e.getMessage(), e);
    }
    byte[] pem = Pem.writePrivateKey((RSAPrivateCrtKey) fresh.getPrivate());
    try {
      barrier.put(PRIVATE_KEY_PATH, pem);
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
    log.info("generated the master's {}-bit RSA key inside the vault", keysize);
    return fresh;
  }

  /** Writes master.pub unless it already holds exactly this key. */
  private void publish(RSAPublicKey key) throws VaultException {
    String pem = Pem.writePublicKey(key);
    byte[] wanted = pem.getBytes(StandardCharsets.US_ASCII);
    try {
      byte[] existing = DurableFiles.read(publicKeyFile, 64 * 1024);
      if (!Arrays.equals(existing, wanted)) {
        DurableFiles.ensureFolder(publicKeyFile.toAbsolutePath().getParent());
        DurableFiles.write(publicKeyFile, wanted, DurableFiles.PUBLIC);
        if (existing == null) {
          log.info("wrote the master's public key to {}", publicKeyFile);
        } else {
          log.warn(
              "{} did not hold the vault's master key; rewrote it (the vault is the source of"
                  + " truth)",
              publicKeyFile);
        }
      }
    } catch (IOException e) {
      throw new VaultException(
          "cannot write the master's public key to " + publicKeyFile + ": " + e, e);
    }
    log.info("master key fingerprint (salt-key -F master): {}", Fingerprints.salt(pem));
  }
}
