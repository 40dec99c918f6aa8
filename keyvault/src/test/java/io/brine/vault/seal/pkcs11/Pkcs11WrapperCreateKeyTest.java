package io.brine.vault.seal.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.SecretBytes;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.WrappedKey;
import io.brine.vault.testing.SoftHsm;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Making the HSM key, and refusing to make it over an existing one. */
class Pkcs11WrapperCreateKeyTest {
  private static SoftHsm hsm;

  @BeforeAll
  static void startHsm() {
    hsm = SoftHsm.get();
  }

  @Test
  void createKey_newLabel_makesSensitiveNeverExtractableAesKey() throws Exception {
    String label = hsm.newKeyLabel("created");

    hsm.createKey(SoftHsm.TOKEN_2, label);

    String objects = hsm.pkcs11Tool(SoftHsm.TOKEN_2, "--list-objects", "--label", label);
    assertThat(objects)
        .contains("Secret Key Object; AES length 32")
        .contains("label:      " + label)
        .contains("sensitive, always sensitive, never extractable, local");
  }

  @Test
  void createKey_existingLabel_refusesAndKeepsTheOldKey() throws Exception {
    Pkcs11Config config = hsm.createKey(SoftHsm.TOKEN_2, hsm.newKeyLabel("existing"));
    SecretBytes rootKey = SecretBytes.random(32, new SecureRandom());
    WrappedKey wrapped = Pkcs11Wrapper.connect(config).wrap(rootKey);

    assertThatThrownBy(() -> Pkcs11Wrapper.createKey(config))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "token '"
                + SoftHsm.TOKEN_2
                + "' already has an object labelled '"
                + config.keyLabel()
                + "'; refusing to replace it, choose another key label");
    assertThat(Pkcs11Wrapper.connect(config).unwrap(wrapped).equalsInConstantTime(rootKey))
        .isTrue();
  }

  @Test
  void createKey_labelOfPkcs11ToolKey_refuses() {
    Pkcs11Config config =
        hsm.createKeyWithPkcs11Tool(SoftHsm.TOKEN_2, hsm.newKeyLabel("operator-made"));

    assertThatThrownBy(() -> Pkcs11Wrapper.createKey(config))
        .isInstanceOf(InvalidRequestException.class);
  }
}
