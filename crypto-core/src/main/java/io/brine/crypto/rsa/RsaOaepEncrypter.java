package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.ProviderLocal;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.WeakKeyException;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * RSA-OAEP with SHA-256 and MGF1-SHA-256 to one public key: how the master wraps a session key or a
 * publish key to a minion, and how a minion sends its challenge token to the master.
 */
public final class RsaOaepEncrypter {
  /**
   * A Cipher per thread: the master wraps to a different minion key in every handshake, and
   * {@code Cipher.getInstance} (a provider lookup) cost about half as much as the public-key
   * operation itself in the master's profile. Only public keys pass through it; the decrypter
   * does not share the idea, so no thread keeps a private key alive.
   */
  private static final ProviderLocal<Cipher> CIPHER =
      new ProviderLocal<>(RsaOaep.TRANSFORMATION, CryptoProviders::rsaOaepCipher);

  private final RSAPublicKey key;

  private RsaOaepEncrypter(RSAPublicKey key) {
    this.key = key;
  }

  /** @throws WeakKeyException if the key is below 2048 bits or its exponent is not 65537 */
  public static RsaOaepEncrypter create(RSAPublicKey key) throws WeakKeyException {
    return new RsaOaepEncrypter(CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy(key)));
  }

  /** Encrypts up to {@link #maxPlaintextBytes()} bytes. */
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    if (plaintext.length > maxPlaintextBytes()) {
      throw new IllegalArgumentException(
          "RSA-OAEP with this key takes at most " + maxPlaintextBytes() + " bytes");
    }
    Cipher c = CIPHER.get();
    c.init(Cipher.ENCRYPT_MODE, key, RsaOaep.SHA256);
    return c.doFinal(plaintext);
  }

  /** Wraps secret key material; the temporary copy of the bytes is wiped before returning. */
  public byte[] wrap(SecretBytes secret) throws GeneralSecurityException {
    byte[] raw = secret.copyOut(SecretAccess.INSECURE);
    try {
      return encrypt(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  public int maxPlaintextBytes() {
    return RsaOaep.maxPlaintextBytes(RsaKeys.modulusBits(key));
  }
}
