package io.brine.vault.seal.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.SecretBytes;
import io.brine.vault.VaultException;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the token, the PIN and the key, and the one-line messages when one is wrong. */
class Pkcs11WrapperConnectTest {
  /** Surefire never sets this one (keyvault/pom.xml sets only SoftHsm.PIN_ENV). */
  private static final String UNSET_PIN_ENV = "BRINE_TEST_HSM_PIN_NEVER_SET";

  private static SoftHsm hsm;
  private static String keyLabel;

  @TempDir Path tempDir;

  @BeforeAll
  static void createKey() throws Exception {
    hsm = SoftHsm.get();
    keyLabel = hsm.newKeyLabel("connect");
    hsm.createKey(SoftHsm.TOKEN_1, keyLabel);
  }

  @Test
  void connect_byTokenLabel_wrapsAndUnwraps() throws Exception {
    Pkcs11Wrapper wrapper = Pkcs11Wrapper.connect(hsm.config(SoftHsm.TOKEN_1, keyLabel));

    assertRoundTrips(wrapper);
  }

  @Test
  void connect_bySlotId_wrapsAndUnwraps() throws Exception {
    Pkcs11Wrapper wrapper = Pkcs11Wrapper.connect(hsm.configBySlot(SoftHsm.TOKEN_1, keyLabel));

    assertRoundTrips(wrapper);
  }

  @Test
  void connect_twiceInOneJvm_bothWrappersWork() throws Exception {
    Pkcs11Wrapper first = Pkcs11Wrapper.connect(hsm.config(SoftHsm.TOKEN_1, keyLabel));
    Pkcs11Wrapper second = Pkcs11Wrapper.connect(hsm.configBySlot(SoftHsm.TOKEN_1, keyLabel));
    SecretBytes rootKey = SecretBytes.random(32, new SecureRandom());

    assertThat(second.unwrap(first.wrap(rootKey)).equalsInConstantTime(rootKey)).isTrue();
    assertThat(first.unwrap(second.wrap(rootKey)).equalsInConstantTime(rootKey)).isTrue();
  }

  @Test
  void connect_keyMadeWithPkcs11Tool_wrapsAndUnwraps() throws Exception {
    Pkcs11Config config =
        hsm.createKeyWithPkcs11Tool(SoftHsm.TOKEN_1, hsm.newKeyLabel("operator-made"));

    assertRoundTrips(Pkcs11Wrapper.connect(config));
  }

  @Test
  void connect_pinFromEnvironment_wrapsAndUnwraps() throws Exception {
    Pkcs11Config config =
        new Pkcs11Config(SoftHsm.LIBRARY, null, SoftHsm.TOKEN_1, SoftHsm.PIN_ENV, null, keyLabel);

    assertRoundTrips(Pkcs11Wrapper.connect(config));
  }

  @Test
  void connect_pinFileEndingInNewline_wrapsAndUnwraps() throws Exception {
    assertThat(Files.readString(hsm.pinFile())).isEqualTo(SoftHsm.PIN + "\n");
    Pkcs11Config config =
        new Pkcs11Config(
            SoftHsm.LIBRARY, null, SoftHsm.TOKEN_1, null, hsm.pinFile().toString(), keyLabel);

    assertRoundTrips(Pkcs11Wrapper.connect(config));
  }

  @Test
  void connect_pinEnvironmentVariableUnset_failsNamingTheVariable() {
    assertThat(System.getenv(UNSET_PIN_ENV)).isNull();
    Pkcs11Config config =
        new Pkcs11Config(SoftHsm.LIBRARY, null, SoftHsm.TOKEN_1, UNSET_PIN_ENV, null, keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("environment variable " + UNSET_PIN_ENV + " (the HSM PIN) is not set");
  }

  @Test
  void connect_pinFileMissing_failsNamingTheFile() {
    Path missing = tempDir.resolve("no-such-pin");
    Pkcs11Config config =
        new Pkcs11Config(
            SoftHsm.LIBRARY, null, SoftHsm.TOKEN_1, null, missing.toString(), keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("cannot read the HSM PIN file " + missing + ": no such file");
  }

  @Test
  void connect_pinFileEmpty_failsNamingTheFile() throws Exception {
    Path empty = Files.writeString(tempDir.resolve("empty-pin"), "\n");
    Pkcs11Config config =
        new Pkcs11Config(SoftHsm.LIBRARY, null, SoftHsm.TOKEN_1, null, empty.toString(), keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("the HSM PIN from file " + empty + " is empty");
  }

  @Test
  void connect_wrongPin_failsWithoutShowingThePin() throws Exception {
    // A token nobody has logged in to: PKCS#11 login lasts for the process (see SoftHsm).
    Path wrongPin = Files.writeString(tempDir.resolve("wrong-pin"), "999999\n");
    Pkcs11Config config =
        new Pkcs11Config(
            SoftHsm.LIBRARY,
            null,
            SoftHsm.TOKEN_NEVER_LOGGED_IN,
            null,
            wrongPin.toString(),
            keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(HsmLoginException.class)
        .hasMessage("HSM login failed: wrong PIN for token '" + SoftHsm.TOKEN_NEVER_LOGGED_IN + "'")
        .hasRootCauseMessage("CKR_PIN_INCORRECT");
  }

  @Test
  void connect_missingLibrary_failsNamingThePath() {
    Pkcs11Config config =
        new Pkcs11Config(
            "/nonexistent/libpkcs11.so", null, SoftHsm.TOKEN_1, SoftHsm.PIN_ENV, null, keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("PKCS#11 library /nonexistent/libpkcs11.so not found");
  }

  @Test
  void connect_unknownTokenLabel_failsNamingTheLabel() {
    Pkcs11Config config = hsm.config("no-such-token", keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("no PKCS#11 token labelled 'no-such-token' in library " + SoftHsm.LIBRARY);
  }

  @Test
  void connect_unknownSlot_failsOnOneLine() {
    Pkcs11Config config =
        new Pkcs11Config(SoftHsm.LIBRARY, 4242L, null, null, hsm.pinFile().toString(), keyLabel);

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessageStartingWith("cannot use the token in slot 4242 of PKCS#11 library ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void connect_missingKeyLabel_failsNamingKeyAndToken() {
    Pkcs11Config config = hsm.config(SoftHsm.TOKEN_1, "no-such-key");

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(config))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessage("no AES key labelled 'no-such-key' on token '" + SoftHsm.TOKEN_1 + "'");
  }

  @Test
  void connect_genericSecretKey_failsAsNotAes() {
    String label = hsm.newKeyLabel("generic");
    hsm.pkcs11Tool(
        SoftHsm.TOKEN_1, "--keygen", "--key-type", "GENERIC:32", "--label", label, "--sensitive");

    assertThatThrownBy(() -> Pkcs11Wrapper.connect(hsm.config(SoftHsm.TOKEN_1, label)))
        .isExactlyInstanceOf(VaultException.class)
        .hasMessageStartingWith(
            "the key labelled '" + label + "' on token '" + SoftHsm.TOKEN_1 + "' is a ")
        .hasMessageEndingWith(" key, not AES");
  }

  private static void assertRoundTrips(Pkcs11Wrapper wrapper) throws Exception {
    SecretBytes rootKey = SecretBytes.random(32, new SecureRandom());
    assertThat(wrapper.unwrap(wrapper.wrap(rootKey)).equalsInConstantTime(rootKey)).isTrue();
  }
}
