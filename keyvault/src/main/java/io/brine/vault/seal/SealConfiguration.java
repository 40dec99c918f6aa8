package io.brine.vault.seal;

/**
 * The seal the operator configured. {@code pkcs11 == null} means Shamir. A PKCS#11 block marked
 * {@code disabled} means "migrate away from this HSM to Shamir", as OpenBao's {@code disabled =
 * "true"}; the reverse migration (Shamir to PKCS#11) is detected from the stored seal type.
 */
public record SealConfiguration(Pkcs11Config pkcs11, boolean pkcs11Disabled) {
  public static SealConfiguration shamir() {
    return new SealConfiguration(null, false);
  }

  public static SealConfiguration pkcs11(Pkcs11Config config) {
    return new SealConfiguration(config, false);
  }

  /** Migrate from this HSM back to Shamir shares. */
  public static SealConfiguration migrateFromPkcs11(Pkcs11Config config) {
    return new SealConfiguration(config, true);
  }

  /** The seal type new keys are wrapped with: "shamir" or "pkcs11". */
  public String activeType() {
    return pkcs11 == null || pkcs11Disabled ? "shamir" : "pkcs11";
  }
}
