package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.WeakKeyException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/** Verifies {@link RsaPssSigner} signatures under one public key. */
public final class RsaPssVerifier {
  private final RSAPublicKey key;

  private RsaPssVerifier(RSAPublicKey key) {
    this.key = key;
  }

  /** @throws WeakKeyException if the key is below 2048 bits or its exponent is not 65537 */
  public static RsaPssVerifier create(RSAPublicKey key) throws WeakKeyException {
    return new RsaPssVerifier(CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy(key)));
  }

  /**
   * Returns normally if {@code signature} is valid for {@code data}.
   *
   * @throws InvalidSignatureException for any signature that does not verify, malformed or not
   */
  public void verify(byte[] signature, byte[] data) throws InvalidSignatureException {
    boolean ok;
    try {
      Signature s = CryptoProviders.rsaPssSignature();
      s.setParameter(RsaPss.SHA256);
      s.initVerify(key);
      s.update(data);
      ok = s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      throw new InvalidSignatureException();
    }
  }
}
