package io.brine.master.pki;

import io.brine.crypto.rsa.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;

/** Public keys as PEM text, made once per test JVM: RSA generation is the slow part. */
final class TestKeys {
  static final String A = rsa(2048, RSAKeyGenParameterSpec.F4);
  static final String B = rsa(2048, RSAKeyGenParameterSpec.F4);
  static final String C = rsa(2048, RSAKeyGenParameterSpec.F4);

  private TestKeys() {}

  static String rsa1024() {
    return rsa(1024, RSAKeyGenParameterSpec.F4);
  }

  static String rsaExponent3() {
    return rsa(2048, BigInteger.valueOf(3));
  }

  static String ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return pem(g.generateKeyPair().getPublic().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same key as {@code pem}, with CRLF line ends as a Windows minion might send. */
  static String crlf(String pem) {
    return pem.replace("\n", "\r\n");
  }

  static RSAPublicKey parse(String pem) {
    try {
      return Pem.readPublicKey(pem);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rsa(int bits, BigInteger exponent) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec(bits, exponent));
      KeyPair pair = g.generateKeyPair();
      return pem(pair.getPublic().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(byte[] der) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";
  }
}
