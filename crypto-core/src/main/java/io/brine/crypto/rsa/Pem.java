package io.brine.crypto.rsa;

import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.WeakKeyException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * RSA keys as PEM text, read and written with Bouncy Castle.
 *
 * <p>Writes SubjectPublicKeyInfo ({@code PUBLIC KEY}) and PKCS#8 ({@code PRIVATE KEY}). Reads those
 * and also PKCS#1 ({@code RSA PUBLIC KEY}, {@code RSA PRIVATE KEY}), which is what Salt writes.
 * Every key read is checked against {@link RsaKeys#checkPolicy}. Encrypted private keys are refused:
 * brine keeps private keys in the vault or in 0600 files, not behind a passphrase.
 */
public final class Pem {
  private Pem() {}

  public static String writePublicKey(RSAPublicKey key) {
    return encode("PUBLIC KEY", key.getEncoded());
  }

  /**
   * The private key as PKCS#8 PEM, in ASCII bytes that the caller writes out and then wipes. Bytes,
   * not a String, because a String cannot be wiped.
   */
  public static byte[] writePrivateKey(RSAPrivateCrtKey key) {
    byte[] der = key.getEncoded();
    try {
      StringWriter out = new StringWriter();
      try (PemWriter w = new PemWriter(out)) {
        w.writeObject(new PemObject("PRIVATE KEY", der));
      } catch (IOException e) {
        throw new IllegalStateException("writing PEM to memory failed", e);
      }
      return out.toString().getBytes(StandardCharsets.US_ASCII);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /** Reads one RSA public key (SubjectPublicKeyInfo or PKCS#1) and checks it against the policy. */
  public static RSAPublicKey readPublicKey(String pem)
      throws MalformedKeyException, WeakKeyException {
    Object o = readSingleObject(pem);
    if (!(o instanceof SubjectPublicKeyInfo)) {
      throw new MalformedKeyException("expected a PEM public key, found " + describe(o));
    }
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) o);
    } catch (IOException | RuntimeException e) {
      throw new MalformedKeyException("PEM public key is not a valid key", e);
    }
    if (!(key instanceof RSAPublicKey)) {
      throw new MalformedKeyException("PEM public key is " + key.getAlgorithm() + ", not RSA");
    }
    return RsaKeys.checkPolicy((RSAPublicKey) key);
  }

  /**
   * Reads one RSA private key (PKCS#8 or PKCS#1) and returns it with its public half, both checked
   * against the policy.
   */
  public static KeyPair readPrivateKey(byte[] pemAscii)
      throws MalformedKeyException, WeakKeyException {
    Object o = readSingleObject(new String(pemAscii, StandardCharsets.US_ASCII));
    PrivateKey key;
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair) {
        key = converter.getKeyPair((PEMKeyPair) o).getPrivate();
      } else if (o instanceof PrivateKeyInfo) {
        key = converter.getPrivateKey((PrivateKeyInfo) o);
      } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new MalformedKeyException(
            "PEM private key is encrypted with a passphrase; brine needs an unencrypted key");
      } else {
        throw new MalformedKeyException("expected a PEM private key, found " + describe(o));
      }
    } catch (IOException | RuntimeException e) {
      throw new MalformedKeyException("PEM private key is not a valid key", e);
    }
    if (!(key instanceof RSAPrivateCrtKey)) {
      throw new MalformedKeyException(
          "PEM private key is " + key.getAlgorithm() + " without CRT parameters, not a usable RSA key");
    }
    RSAPrivateCrtKey priv = RsaKeys.checkPolicy((RSAPrivateCrtKey) key);
    return new KeyPair(publicHalf(priv), priv);
  }

  /** The public key that belongs to {@code key}. */
  public static RSAPublicKey publicHalf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot build an RSA public key", e);
    }
  }

  private static String encode(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory failed", e);
    }
    return out.toString();
  }

  private static Object readSingleObject(String pem) throws MalformedKeyException {
    if (pem == null || pem.isBlank()) {
      throw new MalformedKeyException("no PEM data: the key text is empty");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object first = parser.readObject();
      if (first == null) {
        throw new MalformedKeyException("no PEM block found (expected -----BEGIN ...-----)");
      }
      if (parser.readObject() != null) {
        throw new MalformedKeyException("expected one PEM block, found more than one");
      }
      return first;
    } catch (MalformedKeyException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new MalformedKeyException("malformed PEM: " + firstLine(e.getMessage()), e);
    }
  }

  private static String describe(Object o) {
    if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo) {
      return "a private key";
    }
    if (o instanceof SubjectPublicKeyInfo) {
      return "a public key";
    }
    return "a " + o.getClass().getSimpleName().replaceAll("Holder$", "");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable data";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
