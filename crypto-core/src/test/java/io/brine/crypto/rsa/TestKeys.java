package io.brine.crypto.rsa;

import io.brine.crypto.WeakKeyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;

/** Key pairs made once per test JVM (RSA generation costs about 0.1 s at 2048 bits). */
final class TestKeys {
  private static final KeyPair[] POOL = new KeyPair[3];

  private TestKeys() {}

  static synchronized KeyPair rsa2048(int index) {
    if (POOL[index] == null) {
      try {
        POOL[index] = RsaKeys.generate(2048);
      } catch (WeakKeyException e) {
        throw new AssertionError(e);
      }
    }
    return POOL[index];
  }

  static RSAPublicKey pub(KeyPair kp) {
    return (RSAPublicKey) kp.getPublic();
  }

  static RSAPrivateCrtKey priv(KeyPair kp) {
    return (RSAPrivateCrtKey) kp.getPrivate();
  }

  /** A fixture from src/test/resources/pem (how each was made is in its README). */
  static String fixture(String name) {
    try (InputStream in = TestKeys.class.getResourceAsStream("/pem/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture /pem/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
