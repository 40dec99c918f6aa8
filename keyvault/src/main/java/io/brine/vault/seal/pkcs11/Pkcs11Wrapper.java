package io.brine.vault.seal.pkcs11;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import io.brine.vault.seal.KeyWrapper;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.WrappedKey;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PKCS#11 seal: wraps the root key (and recovery key) with an AES-256 key that never leaves the
 * HSM, as OpenBao's {@code seal "pkcs11"} does with CKM_AES_GCM.
 *
 * <p>Wrapped layout, the same as OpenBao's newer wrapper: {@code iv (12) || ciphertext || tag
 * (16)}, no associated data, {@code keyId} = the HSM key's label. The IV comes from the token's
 * random generator.
 *
 * <p>Finding the token by label needs the JVM option {@code --add-exports
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (SunPKCS11 only selects by slot; see
 * {@link TokenSlots}). Configuring by slot needs nothing extra.
 *
 * <p>Thread-safe: each call takes its own {@link Cipher}, and SunPKCS11 hands out and returns token
 * sessions itself. Several wrappers, on one token or several, can live in one JVM.
 */
public final class Pkcs11Wrapper implements KeyWrapper {
  private static final Logger log = LoggerFactory.getLogger(Pkcs11Wrapper.class);

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  /** 12 bytes, as OpenBao; SunPKCS11 would pick 16 if we let it. */
  private static final int IV_BYTES = 12;

  private static final int TAG_BYTES = 16;
  private static final int AES_256_BITS = 256;

  /**
   * Key-generation attributes for {@link #createKey}: the key can be used but never read out. The
   * KeyStore's copy onto the token keeps both flags.
   */
  private static final String SENSITIVE_AES_KEYS =
      "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
          + "  CKA_SENSITIVE = true\n"
          + "  CKA_EXTRACTABLE = false\n"
          + "}\n";

  private final String keyLabel;
  private final String tokenName;
  private final Provider provider;
  private final SecretKey key;
  private final SecureRandom random;

  private Pkcs11Wrapper(String keyLabel, String tokenName, Provider provider, SecretKey key) {
    this.keyLabel = keyLabel;
    this.tokenName = tokenName;
    this.provider = provider;
    this.key = key;
    this.random = tokenRandom(provider);
  }

  /**
   * Finds the token, logs in with the configured PIN and finds the AES key labelled {@code
   * config.keyLabel()}.
   *
   * <p>The token checks the PIN at the first login in a process only: PKCS#11 login state belongs
   * to the process, and SunPKCS11 skips the login on a token the process is already logged in to.
   * A second connect to such a token with a wrong PIN therefore succeeds.
   *
   * @throws InvalidRequestException when the config is incomplete or contradictory
   * @throws VaultException with a one-line message when the library, token, PIN or key is wrong or
   *     missing; the cause chain is kept for debug logs
   */
  public static Pkcs11Wrapper connect(Pkcs11Config config) throws VaultException {
    HsmSettings settings = HsmSettings.check(config);
    HsmToken token = HsmToken.open(settings, "");
    SecretKey key = token.aesKey(settings.keyLabel());
    log.info(
        "PKCS#11 seal: using key '{}' on {} (slot {})",
        settings.keyLabel(),
        settings.tokenName(),
        token.slot());
    return new Pkcs11Wrapper(settings.keyLabel(), settings.tokenName(), token.provider(), key);
  }

  /**
   * Generates a sensitive, non-extractable AES-256 key on the token and stores it under {@code
   * config.keyLabel()}. For tests and first setup; operators may equally make the key with their
   * HSM's own tools.
   *
   * @throws InvalidRequestException when the token already holds an object with that label: storing
   *     over it would destroy the old key, and with it every value it wrapped
   */
  public static void createKey(Pkcs11Config config) throws VaultException {
    HsmSettings settings = HsmSettings.check(config);
    HsmToken token = HsmToken.open(settings, SENSITIVE_AES_KEYS);
    if (token.hasObjectLabelled(settings.keyLabel())) {
      throw new InvalidRequestException(
          settings.tokenName()
              + " already has an object labelled '"
              + settings.keyLabel()
              + "'; refusing to replace it, choose another key label");
    }
    SecretKey sessionKey;
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES", token.provider());
      generator.init(AES_256_BITS);
      sessionKey = generator.generateKey();
    } catch (GeneralSecurityException | ProviderException e) {
      log.debug("AES key generation on {} failed", settings.tokenName(), e);
      throw new VaultException(
          "cannot generate an AES key on " + settings.tokenName() + ": " + Causes.describe(e), e);
    }
    // The generated key is a session object; storing it copies it onto the token under the label.
    token.store(settings.keyLabel(), sessionKey);
    log.info(
        "PKCS#11 seal: created AES-256 key '{}' on {}", settings.keyLabel(), settings.tokenName());
  }

  @Override
  public String type() {
    return "pkcs11";
  }

  /** The label of the HSM key, which is also the {@code keyId} of every value this wraps. */
  public String keyLabel() {
    return keyLabel;
  }

  @Override
  public WrappedKey wrap(SecretBytes plaintext) throws VaultException {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    byte[] secret = plaintext.copyOut(SecretAccess.INSECURE);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
      byte[] ciphertextAndTag = cipher.doFinal(secret);
      byte[] wrapped = Arrays.copyOf(iv, IV_BYTES + ciphertextAndTag.length);
      System.arraycopy(ciphertextAndTag, 0, wrapped, IV_BYTES, ciphertextAndTag.length);
      return new WrappedKey(keyLabel, wrapped);
    } catch (GeneralSecurityException | ProviderException e) {
      throw hsmFailure("wrap a key with", e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  @Override
  public SecretBytes unwrap(WrappedKey wrapped) throws VaultException {
    if (!keyLabel.equals(wrapped.keyId())) {
      throw new InvalidRequestException(
          "stored key was wrapped by HSM key '"
              + wrapped.keyId()
              + "', configured key is '"
              + keyLabel
              + "'");
    }
    byte[] stored = wrapped.ciphertext();
    if (stored == null || stored.length < IV_BYTES + TAG_BYTES) {
      throw new IntegrityException(
          "the stored HSM-wrapped key is too short to be one: tampered or truncated storage");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, stored, 0, IV_BYTES));
      return SecretBytes.wrap(cipher.doFinal(stored, IV_BYTES, stored.length - IV_BYTES));
    } catch (AEADBadTagException e) {
      log.debug("HSM key '{}' rejected the stored key's tag", keyLabel, e);
      throw new IntegrityException(
          "HSM could not decrypt the stored key: wrong HSM key or tampered storage");
    } catch (GeneralSecurityException | ProviderException e) {
      throw hsmFailure("unwrap a key with", e);
    }
  }

  @Override
  public String toString() {
    return "Pkcs11Wrapper[key '" + keyLabel + "' on " + tokenName + "]";
  }

  private VaultException hsmFailure(String action, Exception cause) {
    String what = "HSM could not " + action + " key '" + keyLabel + "' on " + tokenName;
    log.debug("{}", what, cause);
    return new VaultException(what + ": " + Causes.describe(cause), cause);
  }

  /** The token's own generator (C_GenerateRandom) when it has one, as OpenBao uses. */
  private static SecureRandom tokenRandom(Provider provider) {
    try {
      return SecureRandom.getInstance("PKCS11", provider);
    } catch (NoSuchAlgorithmException e) {
      log.debug("{} offers no random generator; using the JDK's", provider.getName());
      return new SecureRandom();
    }
  }
}
