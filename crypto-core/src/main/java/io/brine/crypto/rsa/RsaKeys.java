package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.WeakKeyException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import javax.security.auth.DestroyFailedException;

/** RSA key generation and the policy every RSA key brine uses must meet. */
public final class RsaKeys {
  /** Shorter keys are refused everywhere: on generation, on load and on use. */
  public static final int MIN_MODULUS_BITS = 2048;

  /** The one long-lived master key. */
  public static final int DEFAULT_MASTER_BITS = 4096;

  /** Minion keys, as Salt's {@code keysize} default. */
  public static final int DEFAULT_MINION_BITS = 2048;

  /** Larger keys cost seconds per private operation and buy nothing here. */
  public static final int MAX_MODULUS_BITS = 16384;

  private static final BigInteger F4 = RSAKeyGenParameterSpec.F4;

  private RsaKeys() {}

  /** A new key pair with public exponent 65537. */
  public static KeyPair generate(int modulusBits) throws WeakKeyException {
    checkModulusBits(modulusBits);
    try {
      KeyPairGenerator g = CryptoProviders.rsaKeyPairGenerator();
      g.initialize(new RSAKeyGenParameterSpec(modulusBits, F4), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no provider here can generate RSA keys", e);
    }
  }

  /**
   * Destroys a private key where its provider can: an ACCP key is a native AWS-LC key, which this
   * frees and clears. The JDK's RSA keys cannot be destroyed (immutable {@code BigInteger}s); for
   * them this does nothing. Use the key no more afterwards.
   *
   * @return whether the key was destroyed
   */
  public static boolean destroy(PrivateKey key) {
    if (key == null || key.isDestroyed()) {
      return false;
    }
    try {
      key.destroy();
      return true;
    } catch (DestroyFailedException e) {
      return false; // the JDK's default: not implemented
    }
  }

  /** Refuses a public key shorter than 2048 bits or with an exponent other than 65537. */
  public static RSAPublicKey checkPolicy(RSAPublicKey key) throws WeakKeyException {
    checkModulusBits(key.getModulus().bitLength());
    checkExponent(key.getPublicExponent());
    return key;
  }

  /** As {@link #checkPolicy(RSAPublicKey)}, for a private key that carries its public half. */
  public static RSAPrivateCrtKey checkPolicy(RSAPrivateCrtKey key) throws WeakKeyException {
    checkModulusBits(key.getModulus().bitLength());
    checkExponent(key.getPublicExponent());
    return key;
  }

  /** The modulus length in bits of any RSA key. */
  public static int modulusBits(RSAKey key) {
    return key.getModulus().bitLength();
  }

  private static void checkModulusBits(int bits) throws WeakKeyException {
    if (bits < MIN_MODULUS_BITS) {
      throw new WeakKeyException(
          "RSA key is "
              + bits
              + " bits; brine needs at least "
              + MIN_MODULUS_BITS
              + " (generate a new key, e.g. keysize: 2048)");
    }
    if (bits > MAX_MODULUS_BITS) {
      throw new WeakKeyException(
          "RSA key is " + bits + " bits; brine accepts at most " + MAX_MODULUS_BITS);
    }
  }

  private static void checkExponent(BigInteger e) throws WeakKeyException {
    if (!F4.equals(e)) {
      throw new WeakKeyException(
          "RSA public exponent is "
              + (e.bitLength() <= 64 ? e.toString() : "a " + e.bitLength() + "-bit number")
              + "; brine accepts only 65537 (generate a new key)");
    }
  }
}
