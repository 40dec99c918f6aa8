package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.WeakKeyException;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateCrtKey;
import javax.crypto.Cipher;

/**
 * The private-key side of {@link RsaOaepEncrypter}. Every failure, whatever its cause (wrong key,
 * bad padding, wrong length), is one {@link DecryptionFailedException} with one message, so a
 * sender cannot tell padding errors apart (Manger's attack).
 */
public final class RsaOaepDecrypter {
  private final RSAPrivateCrtKey key;

  private RsaOaepDecrypter(RSAPrivateCrtKey key) {
    this.key = key;
  }

  /** @throws WeakKeyException if the key is below 2048 bits or its exponent is not 65537 */
  public static RsaOaepDecrypter create(RSAPrivateCrtKey key) throws WeakKeyException {
    return new RsaOaepDecrypter(CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy(key)));
  }

  public byte[] decrypt(byte[] ciphertext) throws DecryptionFailedException {
    try {
      // Inside the try: a key destroyed at seal throws here too, and is one failure like any.
      if (ciphertext == null || ciphertext.length != (RsaKeys.modulusBits(key) + 7) / 8) {
        throw new DecryptionFailedException();
      }
      Cipher c = CryptoProviders.rsaOaepCipher();
      c.init(Cipher.DECRYPT_MODE, key, RsaOaep.SHA256);
      return c.doFinal(ciphertext);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DecryptionFailedException();
    }
  }

  /** Unwraps secret key material into a holder that owns the decrypted bytes. */
  public SecretBytes unwrap(byte[] wrapped) throws DecryptionFailedException {
    return SecretBytes.wrap(decrypt(wrapped));
  }
}
