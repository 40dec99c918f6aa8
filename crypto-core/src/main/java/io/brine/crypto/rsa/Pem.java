package io.brine.crypto.rsa;

import io.brine.crypto.CryptoProviders;
import io.brine.crypto.MalformedKeyException;
import io.brine.crypto.ProviderLocal;
import io.brine.crypto.WeakKeyException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final String SPKI_BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String SPKI_END = "-----END PUBLIC KEY-----";

  /** A KeyFactory per thread, so the key of each HELLO costs no provider lookup. */
  private static final ProviderLocal<KeyFactory> RSA_KEY_FACTORY =
      new ProviderLocal<>("RSA KeyFactory", CryptoProviders::rsaKeyFactory);

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
    RSAPublicKey canonical = readCanonicalSpki(pem);
    if (canonical != null) {
      return RsaKeys.checkPolicy(canonical);
    }
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
    return CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy((RSAPublicKey) key));
  }

  /**
   * The key in {@code pem} when it is exactly what {@link #writePublicKey} and OpenSSL write: one
   * {@code PUBLIC KEY} block, nothing around it but line ends, base64 with no stray character, and
   * DER that is byte for byte the canonical encoding of an RSA key. Anything else, valid or not, is
   * null, and {@link #readPublicKey} hands it to Bouncy Castle's parser, which reads the other forms
   * and words the errors. Why a second path: the master parses the key of every HELLO on its event
   * loop, and the JDK's DER reader costs a fraction of Bouncy Castle's PEM parser and key converter.
   * The canonical check keeps this path from accepting any text the parser would refuse.
   */
  static RSAPublicKey readCanonicalSpki(String pem) {
    if (pem == null) {
      return null;
    }
    String text = pem.strip();
    if (!text.startsWith(SPKI_BEGIN) || !text.endsWith(SPKI_END)) {
      return null;
    }
    String body = text.substring(SPKI_BEGIN.length(), text.length() - SPKI_END.length());
    StringBuilder base64 = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\n' || c == '\r') {
        continue;
      }
      if (!isBase64(c)) {
        return null;
      }
      base64.append(c);
    }
    try {
      byte[] der = Base64.getDecoder().decode(base64.toString());
      KeyFactory rsa = RSA_KEY_FACTORY.get();
      PublicKey parsed = rsa.generatePublic(new X509EncodedKeySpec(der));
      if (!(parsed instanceof RSAPublicKey key)) {
        return null;
      }
      // Re-encoded from the numbers alone: equal only when the input had no extra or
      // non-canonical bytes the JDK's reader let through.
      byte[] canonical =
          rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()))
              .getEncoded();
      return Arrays.equals(der, canonical) ? key : null;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }

  private static boolean isBase64(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '=';
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
    // The provider's own key object: with ACCP a native key, parsed once here rather than at every
    // use, and one that destroy() really frees and wipes.
    RSAPrivateCrtKey priv = CryptoProviders.nativeRsaKey(RsaKeys.checkPolicy((RSAPrivateCrtKey) key));
    return new KeyPair(publicHalf(priv), priv);
  }

  /** The public key that belongs to {@code key}. */
  public static RSAPublicKey publicHalf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey)
          RSA_KEY_FACTORY
              .get()
              .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no provider here can build an RSA public key", e);
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
      throw new MalformedKeyException("malformed PEM: " + withoutCauseName(e.getMessage()), e);
    }
  }

  /**
   * Bouncy Castle's message, without the Java exception it wraps: "problem parsing PUBLIC KEY:
   * java.lang.IllegalArgumentException: failed to construct sequence..." becomes "problem parsing
   * PUBLIC KEY: the block's content is not valid DER". A user acts on the first part; the class
   * name of a parser's internals helps no one and goes to the debug log with the cause.
   */
  static String withoutCauseName(String message) {
    String line = firstLine(message);
    Matcher cause = JAVA_EXCEPTION.matcher(line);
    if (!cause.find()) {
      return line;
    }
    String before = line.substring(0, cause.start()).strip();
    return (before.isEmpty() ? "" : before + ": ") + "the block's content is not valid DER";
  }

  private static final Pattern JAVA_EXCEPTION =
      Pattern.compile(
          ":?\\s*(?:java|javax|org\\.bouncycastle)\\.[\\w.$]*(?:Exception|Error)\\b.*");

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
