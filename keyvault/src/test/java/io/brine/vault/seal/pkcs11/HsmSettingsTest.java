package io.brine.vault.seal.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.seal.Pkcs11Config;
import org.junit.jupiter.api.Test;

/** Config checks that run before anything touches the PKCS#11 library. */
class HsmSettingsTest {
  private static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

  @Test
  void check_tokenLabelAndPinFile_keepsThem() throws Exception {
    HsmSettings settings =
        HsmSettings.check(new Pkcs11Config(LIBRARY, null, " vault ", null, "/run/pin", "unseal"));

    assertThat(settings.tokenLabel()).isEqualTo("vault");
    assertThat(settings.pinFile()).isEqualTo("/run/pin");
    assertThat(settings.tokenName()).isEqualTo("token 'vault'");
  }

  @Test
  void check_slotAndPinEnv_namesTheTokenBySlot() throws Exception {
    HsmSettings settings =
        HsmSettings.check(new Pkcs11Config(LIBRARY, 0L, null, "HSM_PIN", null, "unseal"));

    assertThat(settings.tokenName()).isEqualTo("the token in slot 0");
  }

  @Test
  void check_noLibrary_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(" ", null, "vault", "HSM_PIN", null, "unseal"),
        "PKCS#11 seal: set the library (path of the PKCS#11 module)");
  }

  @Test
  void check_libraryWithLineBreak_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY + "\nslot = 1", null, "vault", "HSM_PIN", null, "unseal"),
        "PKCS#11 seal: the library path contains a line break");
  }

  @Test
  void check_slotAndTokenLabel_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, 1L, "vault", "HSM_PIN", null, "unseal"),
        "PKCS#11 seal: set exactly one of slot and token label (the label is better: SoftHSM"
            + " renumbers slots)");
  }

  @Test
  void check_neitherSlotNorTokenLabel_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, null, "", "HSM_PIN", null, "unseal"),
        "PKCS#11 seal: set exactly one of slot and token label (the label is better: SoftHSM"
            + " renumbers slots)");
  }

  @Test
  void check_negativeSlot_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, -1L, null, "HSM_PIN", null, "unseal"),
        "PKCS#11 seal: slot must not be negative, was -1");
  }

  @Test
  void check_pinEnvAndPinFile_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, null, "vault", "HSM_PIN", "/run/pin", "unseal"),
        "PKCS#11 seal: set exactly one of PIN environment variable and PIN file");
  }

  @Test
  void check_noPinSource_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, null, "vault", null, null, "unseal"),
        "PKCS#11 seal: set exactly one of PIN environment variable and PIN file");
  }

  @Test
  void check_noKeyLabel_throwsInvalidRequest() {
    assertRefused(
        new Pkcs11Config(LIBRARY, null, "vault", "HSM_PIN", null, null),
        "PKCS#11 seal: set the key label (CKA_LABEL of the AES key)");
  }

  @Test
  void connect_incompleteConfig_throwsInvalidRequest() {
    assertThatThrownBy(
            () -> Pkcs11Wrapper.connect(new Pkcs11Config(LIBRARY, null, "vault", null, null, "k")))
        .isInstanceOf(InvalidRequestException.class);
  }

  private static void assertRefused(Pkcs11Config config, String message) {
    assertThatThrownBy(() -> HsmSettings.check(config))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(message);
  }
}
