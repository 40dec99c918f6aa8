package io.brine.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * The one place that chooses who does brine's cryptography. Every class of crypto-core asks it for
 * its {@code Cipher}, {@code Signature}, {@code KeyFactory} and {@code KeyPairGenerator}; nothing
 * else in brine names a provider.
 *
 * <p>Amazon Corretto Crypto Provider (AWS-LC under the JCA) does RSA and AES-GCM where its native
 * library loads (Linux x86_64 and aarch64): on this project's machine kind its RSA-2048 private
 * operations run 2.8 to 3.8 times as fast as SunRsaSign's, and its AES-GCM 1.2 to 2 times as fast as
 * SunJCE's (docs/performance.md, {@code bench/} {@code ProviderBenchmark}). The rest stays where it
 * measured faster or safer: SHA-256 with the JDK (SHA-NI intrinsics beat a JNI call for the short
 * inputs brine hashes), HMAC-SHA256 with the JDK (the same speed), X25519 and HKDF with Bouncy
 * Castle (ACCP 2.5 has no X25519; its HKDF is faster by 3 µs a handshake but leaves copies of the
 * secret that cannot be wiped).
 *
 * <p>The choice is process-wide. A daemon makes it once at start from its {@code crypto_provider}
 * setting ({@link #select}); otherwise the first use makes it from the system property {@value
 * #PROPERTY}, or {@link Choice#AUTO}. Tests switch it to run the same vectors under both.
 */
public final class CryptoProviders {
  /** Overrides the default choice of a process that does not {@link #select} one (bench, tests). */
  public static final String PROPERTY = "brine.crypto.provider";

  /** The operator's {@code crypto_provider} setting. */
  public enum Choice {
    /** ACCP where it loads, the JDK's providers elsewhere (with a warning in the start line). */
    AUTO,
    /** ACCP or refuse to start: for an operator who measured and depends on it. */
    ACCP,
    /** The JDK's providers only. */
    JDK;

    /** The setting's values, as a config file spells them. */
    public static final java.util.List<String> NAMES = java.util.List.of("auto", "accp", "jdk");

    /** {@code auto}, {@code accp} or {@code jdk}, in any case. */
    public static Choice parse(String value) {
      String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "auto" -> AUTO;
        case "accp" -> ACCP;
        case "jdk" -> JDK;
        default ->
            throw new IllegalArgumentException(
                "crypto_provider is '" + value + "'; use auto, accp or jdk");
      };
    }
  }

  private static volatile Selection current;

  private CryptoProviders() {}

  /**
   * Makes {@code choice} the process's provider choice and returns what it resolved to.
   *
   * @throws ProviderUnavailableException for {@link Choice#ACCP} when its native library does not
   *     load here; the message says why
   */
  public static synchronized Selection select(Choice choice) throws ProviderUnavailableException {
    Objects.requireNonNull(choice, "choice");
    Selection s = current;
    if (s != null && s.choice() == choice) {
      // Unchanged (dev mode's master and minion, the swarm's many minions): the threads keep
      // their cached JCA objects.
      return s;
    }
    s = Selection.resolve(choice);
    current = s;
    return s;
  }

  /**
   * Why {@code choice} cannot be had on this machine, or null when it can: a config loader's
   * check, so that {@code crypto_provider: accp} on a machine without ACCP is a config error.
   */
  public static String whyUnavailable(Choice choice) {
    if (choice != Choice.ACCP || AccpProbe.whyNot() == null) {
      return null;
    }
    return "accp, but Amazon Corretto Crypto Provider does not load here: " + AccpProbe.whyNot();
  }

  /**
   * {@link #select} for a daemon whose config loader has already called {@link #whyUnavailable}.
   *
   * @throws IllegalStateException if the choice cannot be had after all
   */
  public static Selection apply(Choice choice) {
    try {
      return select(choice);
    } catch (ProviderUnavailableException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** What is in use, choosing the default on first call. */
  public static Selection current() {
    Selection s = current;
    if (s == null) {
      synchronized (CryptoProviders.class) {
        s = current;
        if (s == null) {
          s = defaultSelection();
          current = s;
        }
      }
    }
    return s;
  }

  /**
   * A few words for a start line or {@code --version}: "AWS-LC (Amazon Corretto Crypto Provider
   * 2.5.0)", or "JDK (...)" with the reason.
   */
  public static String describe() {
    return current().description();
  }

  private static Selection defaultSelection() {
    String property = System.getProperty(PROPERTY);
    Choice choice = Choice.AUTO;
    if (property != null && !property.isBlank()) {
      choice = Choice.parse(property);
    }
    try {
      return Selection.resolve(choice);
    } catch (ProviderUnavailableException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** A new RSA/ECB/OAEPPadding cipher (parameters are always given explicitly). */
  public static Cipher rsaOaepCipher() throws NoSuchAlgorithmException {
    return current().rsaOaepCipher();
  }

  /** A new RSASSA-PSS signature object. */
  public static Signature rsaPssSignature() throws NoSuchAlgorithmException {
    return current().rsaPssSignature();
  }

  /** A new RSA key factory: keys it makes are the provider's own, the fast path for it. */
  public static KeyFactory rsaKeyFactory() throws NoSuchAlgorithmException {
    return current().rsaKeyFactory();
  }

  /** A new RSA key pair generator. */
  public static KeyPairGenerator rsaKeyPairGenerator() throws NoSuchAlgorithmException {
    return current().rsaKeyPairGenerator();
  }

  /** A new AES/GCM/NoPadding cipher. */
  public static Cipher aesGcmCipher() throws GeneralSecurityException {
    return current().aesGcmCipher();
  }

  /**
   * {@code key} as the RSA provider's own key object. ACCP takes a JDK key too, but then parses it
   * into a native key on every operation, which costs a third of a private-key operation: keys that
   * are used more than once are translated once, where they are held.
   */
  @SuppressWarnings("unchecked")
  public static <K extends Key> K nativeRsaKey(K key) {
    Selection s = current();
    if (s.ownsKey(key)) {
      return key;
    }
    try {
      return (K) s.rsaKeyFactory().translateKey(key);
    } catch (GeneralSecurityException e) {
      // The key still works through the provider's own conversion on each use, only slower.
      return key;
    }
  }

  /**
   * The resolved choice: which provider does RSA and which does AES-GCM.
   *
   * @param choice what was asked for
   * @param rsa the provider of RSA (OAEP, PSS, keys)
   * @param aesGcm the provider of AES-GCM
   * @param description one line, for the start line and {@code --version}
   * @param accpLoaded whether ACCP's native library is in use
   */
  public record Selection(
      Choice choice, Provider rsa, Provider aesGcm, String description, boolean accpLoaded) {

    static Selection resolve(Choice choice) throws ProviderUnavailableException {
      if (choice == Choice.JDK) {
        return jdk(choice, "JDK (crypto_provider: jdk)");
      }
      String whyNot = AccpProbe.whyNot();
      if (whyNot == null) {
        Provider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        return new Selection(
            choice,
            accp,
            accp,
            "AWS-LC (Amazon Corretto Crypto Provider " + accp.getVersionStr() + ")",
            true);
      }
      if (choice == Choice.ACCP) {
        throw new ProviderUnavailableException(
            "crypto_provider is accp but Amazon Corretto Crypto Provider does not load here: "
                + whyNot);
      }
      return jdk(choice, "JDK (Amazon Corretto Crypto Provider does not load: " + whyNot + ")");
    }

    private static Selection jdk(Choice choice, String description) {
      return new Selection(choice, null, null, description, false);
    }

    Cipher rsaOaepCipher() throws NoSuchAlgorithmException {
      return cipher("RSA/ECB/OAEPPadding", rsa);
    }

    Signature rsaPssSignature() throws NoSuchAlgorithmException {
      return rsa == null
          ? Signature.getInstance("RSASSA-PSS")
          : Signature.getInstance("RSASSA-PSS", rsa);
    }

    KeyFactory rsaKeyFactory() throws NoSuchAlgorithmException {
      return rsa == null ? KeyFactory.getInstance("RSA") : KeyFactory.getInstance("RSA", rsa);
    }

    KeyPairGenerator rsaKeyPairGenerator() throws NoSuchAlgorithmException {
      return rsa == null
          ? KeyPairGenerator.getInstance("RSA")
          : KeyPairGenerator.getInstance("RSA", rsa);
    }

    Cipher aesGcmCipher() throws NoSuchAlgorithmException {
      return cipher("AES/GCM/NoPadding", aesGcm);
    }

    /** Whether {@code key} is already the RSA provider's own object (nothing to translate). */
    boolean ownsKey(Key key) {
      if (rsa == null) {
        // The JDK's RSA providers take any RSAKey without re-parsing it.
        return true;
      }
      return key.getClass().getName().startsWith("com.amazon.corretto.crypto.provider.");
    }

    private static Cipher cipher(String transformation, Provider provider)
        throws NoSuchAlgorithmException {
      try {
        return provider == null
            ? Cipher.getInstance(transformation)
            : Cipher.getInstance(transformation, provider);
      } catch (javax.crypto.NoSuchPaddingException e) {
        NoSuchAlgorithmException n = new NoSuchAlgorithmException(transformation);
        n.initCause(e);
        throw n;
      }
    }
  }
}
