package io.brine.crypto.agreement;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair (RFC 7748) for one handshake: both ends make an ephemeral pair, swap the
 * 32-byte public keys, and agree on a secret that never travels, so a session recorded today
 * cannot be opened with an RSA key stolen tomorrow. Bouncy Castle's X25519 is used (about twice as
 * fast as the JDK 17 one here). Destroy the pair once the secret is agreed.
 */
public final class X25519KeyPair implements Destroyable {
  public static final int KEY_SIZE_IN_BYTES = X25519.POINT_SIZE;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretBytes privateKey;
  private final byte[] publicKey;

  private X25519KeyPair(SecretBytes privateKey) {
    this.privateKey = privateKey;
    byte[] k = privateKey.copyOut(SecretAccess.INSECURE);
    try {
      this.publicKey = new byte[KEY_SIZE_IN_BYTES];
      X25519.generatePublicKey(k, 0, publicKey, 0);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  public static X25519KeyPair generate() {
    byte[] k = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(RANDOM, k);
    return new X25519KeyPair(SecretBytes.wrap(k));
  }

  /** A pair from a known private key: for published test vectors only. */
  static X25519KeyPair fromPrivateKey(SecretBytes privateKey) {
    if (privateKey.length() != X25519.SCALAR_SIZE) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    return new X25519KeyPair(privateKey);
  }

  /** The 32-byte public key to send to the peer. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The shared secret with {@code peerPublicKey}.
   *
   * @throws InvalidKeyException for a key that is not 32 bytes or a low-order point (the secret
   *     would be all zeros, which a man in the middle could force)
   */
  public SecretBytes agree(byte[] peerPublicKey) throws InvalidKeyException {
    if (peerPublicKey == null || peerPublicKey.length != KEY_SIZE_IN_BYTES) {
      throw new InvalidKeyException("an X25519 public key is 32 bytes");
    }
    byte[] k = privateKey.copyOut(SecretAccess.INSECURE);
    byte[] shared = new byte[KEY_SIZE_IN_BYTES];
    try {
      if (!X25519.calculateAgreement(k, 0, peerPublicKey, 0, shared, 0)) {
        Arrays.fill(shared, (byte) 0);
        throw new InvalidKeyException("X25519 public key is a low-order point");
      }
      return SecretBytes.wrap(shared);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  @Override
  public void destroy() {
    privateKey.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return privateKey.isDestroyed();
  }
}
