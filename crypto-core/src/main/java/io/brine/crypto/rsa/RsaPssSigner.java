package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.WeakKeyException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;

/** RSASSA-PSS signatures with SHA-256 (RFC 8017, section 8.1) under one private key. */
public final class RsaPssSigner {
  private final RSAPrivateCrtKey key;

  private RsaPssSigner(RSAPrivateCrtKey key) {
    this.key = key;
  }

  /** @throws WeakKeyException if the key is below 2048 bits or its exponent is not 65537 */
  public static RsaPssSigner create(RSAPrivateCrtKey key) throws WeakKeyException {
    return new RsaPssSigner(CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy(key)));
  }

  public byte[] sign(byte[] data) throws GeneralSecurityException {
    Signature s = CryptoProviders.rsaPssSignature();
    s.setParameter(RsaPss.SHA256);
    s.initSign(key);
    s.update(data);
    return s.sign();
  }
}
