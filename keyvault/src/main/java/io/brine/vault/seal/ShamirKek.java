package io.brine.vault.seal;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The Shamir seal's key wrapper: the key the unseal shares combine to (the KEK) wraps the root key
 * with AES-256-GCM, as OpenBao's Shamir wrapper does (random nonce in front, no associated data).
 * The shares never combine to the root key itself, so rotating one never forces rotating the other.
 */
public final class ShamirKek implements KeyWrapper, Destroyable {
  public static final String KEY_ID = "shamir-kek";

  private final AesGcmKey kek;
  private final RandomNonceAesGcm aead;

  private ShamirKek(AesGcmKey kek) {
    this.kek = kek;
    this.aead = RandomNonceAesGcm.create(kek);
  }

  /**
   * Uses {@code kek} as the wrapping key. A combined value that is not 32 bytes cannot be this
   * vault's KEK; it is refused as a wrong share set.
   */
  public static ShamirKek of(SecretBytes kek) throws InvalidRequestException {
    if (kek.length() != AesGcmKey.KEY_SIZE_IN_BYTES) {
      throw new InvalidRequestException(
          "unseal failed: the shares do not form a key of this vault (wrong or foreign shares)");
    }
    return new ShamirKek(AesGcmKey.fromSecret(SecretBytes.wrap(kek.copyOut(SecretAccess.INSECURE))));
  }

  /** Wipes this wrapper's copy of the KEK. */
  @Override
  public void destroy() {
    kek.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return kek.isDestroyed();
  }

  @Override
  public String type() {
    return "shamir";
  }

  @Override
  public WrappedKey wrap(SecretBytes plaintext) throws VaultException {
    byte[] raw = plaintext.copyOut(SecretAccess.INSECURE);
    try {
      return new WrappedKey(KEY_ID, aead.encrypt(raw, null));
    } catch (GeneralSecurityException e) {
      throw new VaultException("could not wrap the key with the Shamir KEK", e);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  @Override
  public SecretBytes unwrap(WrappedKey wrapped) throws VaultException {
    try {
      return SecretBytes.wrap(aead.decrypt(wrapped.ciphertext(), null));
    } catch (DecryptionFailedException e) {
      throw new InvalidRequestException(
          "unseal failed: these shares do not open this vault (a wrong share, or shares of"
              + " another vault)");
    } catch (GeneralSecurityException e) {
      throw new VaultException("could not unwrap the stored key", e);
    }
  }
}
