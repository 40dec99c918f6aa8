package io.brine.vault.seal.pkcs11;

import io.brine.vault.VaultException;
import io.brine.vault.seal.Pkcs11Config;

/**
 * Run in a child JVM by {@link TokenLabelWithoutExportTest}: connects by token label and prints the
 * one-line failure. It must not use {@code SoftHsm}, which would wipe the parent's tokens.
 */
public final class ConnectByLabelMain {
  /** Set by the parent, so that reading the PIN succeeds and the label lookup is reached. */
  static final String PIN_ENV = "BRINE_CHILD_TEST_PIN";

  private ConnectByLabelMain() {}

  public static void main(String[] args) {
    Pkcs11Config config =
        new Pkcs11Config(
            "/usr/lib/softhsm/libsofthsm2.so", null, "brine-test-1", PIN_ENV, null, "k");
    try {
      Pkcs11Wrapper.connect(config);
      System.out.println("connected");
    } catch (VaultException e) {
      System.out.println(e.getMessage());
    }
  }
}
