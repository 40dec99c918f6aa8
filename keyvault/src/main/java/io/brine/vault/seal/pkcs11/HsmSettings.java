package io.brine.vault.seal.pkcs11;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.seal.Pkcs11Config;

/**
 * A {@link Pkcs11Config} that has been checked: the library and key label are set, and exactly one
 * way to find the token and exactly one PIN source are given. Blank strings count as unset, so a
 * config file with {@code token_label = ""} is caught here rather than as "no such token".
 */
record HsmSettings(
    String library, Long slot, String tokenLabel, String pinEnv, String pinFile, String keyLabel) {

  static HsmSettings check(Pkcs11Config config) throws InvalidRequestException {
    if (config == null) {
      throw new InvalidRequestException("PKCS#11 seal: no configuration given");
    }
    String library = setOrNull(config.library());
    // Tokens pad their labels with spaces to 32 bytes; the lookup compares trimmed labels.
    String tokenLabel = setOrNull(config.tokenLabel()) == null ? null : config.tokenLabel().trim();
    String pinEnv = setOrNull(config.pinEnv());
    String pinFile = setOrNull(config.pinFile());
    String keyLabel = setOrNull(config.keyLabel());
    Long slot = config.slot();

    if (library == null) {
      throw new InvalidRequestException(
          "PKCS#11 seal: set the library (path of the PKCS#11 module)");
    }
    // The library path goes into a SunPKCS11 config text, one keyword a line.
    if (library.indexOf('\n') >= 0 || library.indexOf('\r') >= 0) {
      throw new InvalidRequestException("PKCS#11 seal: the library path contains a line break");
    }
    if ((slot == null) == (tokenLabel == null)) {
      throw new InvalidRequestException(
          "PKCS#11 seal: set exactly one of slot and token label (the label is better: SoftHSM"
              + " renumbers slots)");
    }
    if (slot != null && slot < 0) {
      throw new InvalidRequestException("PKCS#11 seal: slot must not be negative, was " + slot);
    }
    if ((pinEnv == null) == (pinFile == null)) {
      throw new InvalidRequestException(
          "PKCS#11 seal: set exactly one of PIN environment variable and PIN file");
    }
    if (keyLabel == null) {
      throw new InvalidRequestException(
          "PKCS#11 seal: set the key label (CKA_LABEL of the AES key)");
    }
    return new HsmSettings(library, slot, tokenLabel, pinEnv, pinFile, keyLabel);
  }

  /** How messages name the token: by label when the operator gave one, else by slot. */
  String tokenName() {
    return tokenLabel != null ? "token '" + tokenLabel + "'" : "the token in slot " + slot;
  }

  private static String setOrNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
