package io.brine.protocol.handshake;

import io.brine.crypto.rsa.RsaKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;

/** Keys shared by the tests of this package; RSA generation is slow, so each is made once. */
final class TestKeys {
  static final KeyPair MASTER = generate();
  static final KeyPair OTHER_MASTER = generate();
  static final KeyPair MINION = generate();
  static final KeyPair IMPOSTOR = generate();
  /** The master's successors after one and two rotations (KeySuccessionTest). */
  static final KeyPair MASTER_B = generate();
  static final KeyPair MASTER_C = generate();

  private TestKeys() {}

  private static KeyPair generate() {
    try {
      return RsaKeys.generate(2048);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A key brine's policy refuses, generated with the JDK directly. */
  static KeyPair rsa(int bits, int exponent) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(new RSAKeyGenParameterSpec(bits, BigInteger.valueOf(exponent)));
    return g.generateKeyPair();
  }

  static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  /** Any public key as SubjectPublicKeyInfo PEM, without the policy check Pem applies. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
