package io.brine.vault.seal.pkcs11;

import io.brine.vault.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token we are logged in to: a SunPKCS11 provider bound to its slot, and the provider's KeyStore,
 * which lists the token's objects by CKA_LABEL.
 *
 * <p>PKCS#11 login state belongs to the process, not to a session or a provider: once any provider
 * in this JVM has logged in to a token, SunPKCS11 skips the login for later providers on it, so a
 * later open does not check the PIN again. The PIN is checked at the first login in a process.
 */
final class HsmToken {
  private static final Logger log = LoggerFactory.getLogger(HsmToken.class);

  private final HsmSettings settings;
  private final long slot;
  private final Provider provider;
  private final KeyStore keyStore;

  private HsmToken(HsmSettings settings, long slot, Provider provider, KeyStore keyStore) {
    this.settings = settings;
    this.slot = slot;
    this.provider = provider;
    this.keyStore = keyStore;
  }

  /**
   * Finds the token, configures a provider for it and logs in.
   *
   * @param extraConfig more SunPKCS11 config lines (e.g. key-generation attributes), or ""
   */
  static HsmToken open(HsmSettings settings, String extraConfig) throws VaultException {
    // A bare file name is left to the dynamic loader's search path, as SunPKCS11 does.
    Path library = Path.of(settings.library());
    if (library.getParent() != null && !Files.exists(library)) {
      throw new VaultException("PKCS#11 library " + settings.library() + " not found");
    }
    char[] pin = HsmPin.read(settings);
    try {
      long slot =
          settings.slot() != null
              ? settings.slot()
              : TokenSlots.slotOf(settings.library(), settings.tokenLabel());
      Provider provider = configure(settings, slot, extraConfig);
      return new HsmToken(settings, slot, provider, login(settings, provider, pin));
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  Provider provider() {
    return provider;
  }

  long slot() {
    return slot;
  }

  boolean hasObjectLabelled(String label) throws VaultException {
    try {
      return keyStore.containsAlias(label);
    } catch (GeneralSecurityException e) {
      throw failure("cannot list the objects on " + settings.tokenName(), e);
    }
  }

  /** The AES key with CKA_LABEL {@code label}; it stays on the token, this is a handle to it. */
  SecretKey aesKey(String label) throws VaultException {
    String name = "'" + label + "' on " + settings.tokenName();
    try {
      if (!keyStore.containsAlias(label)) {
        throw new VaultException("no AES key labelled " + name);
      }
      if (!keyStore.entryInstanceOf(label, KeyStore.SecretKeyEntry.class)) {
        throw new VaultException("the object labelled " + name + " is not a secret key");
      }
      Key key = keyStore.getKey(label, null);
      if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
        throw new VaultException(
            "the key labelled " + name + " is a " + key.getAlgorithm() + " key, not AES");
      }
      return (SecretKey) key;
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("cannot read the key labelled " + name, e);
    }
  }

  /** Stores {@code key} under {@code label}; the caller has checked that the label is free. */
  void store(String label, SecretKey key) throws VaultException {
    try {
      keyStore.setEntry(label, new KeyStore.SecretKeyEntry(key), null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("cannot store the key labelled '" + label + "' on " + settings.tokenName(), e);
    }
  }

  private static Provider configure(HsmSettings settings, long slot, String extraConfig)
      throws VaultException {
    Provider sunPkcs11 = Security.getProvider("SunPKCS11");
    if (sunPkcs11 == null) {
      throw new VaultException(
          "this JVM has no SunPKCS11 provider; add the jdk.crypto.cryptoki module to the runtime");
    }
    // A leading "--" makes configure() read the argument as the config text, not a file name.
    String config =
        "--name = brine-slot-"
            + slot
            + "\nlibrary = "
            + settings.library()
            + "\nslot = "
            + slot
            + "\n"
            + extraConfig;
    try {
      return sunPkcs11.configure(config);
    } catch (InvalidParameterException | ProviderException e) {
      throw failure(
          "cannot use " + settings.tokenName() + " of PKCS#11 library " + settings.library(), e);
    }
  }

  private static KeyStore login(HsmSettings settings, Provider provider, char[] pin)
      throws VaultException {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, pin);
      return keyStore;
    } catch (IOException e) {
      if (Causes.find(e, FailedLoginException.class) != null) {
        log.debug("login to {} failed", settings.tokenName(), e);
        throw new HsmLoginException("HSM login failed: wrong PIN for " + settings.tokenName(), e);
      }
      if (Causes.find(e, LoginException.class) != null) {
        log.debug("login to {} failed", settings.tokenName(), e);
        throw new HsmLoginException(
            "HSM login failed for " + settings.tokenName() + ": " + Causes.describe(e), e);
      }
      throw failure("cannot read the objects on " + settings.tokenName(), e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("cannot open " + settings.tokenName(), e);
    }
  }

  private static VaultException failure(String what, Exception cause) {
    log.debug("{} failed", what, cause);
    return new VaultException(what + ": " + Causes.describe(cause), cause);
  }
}
