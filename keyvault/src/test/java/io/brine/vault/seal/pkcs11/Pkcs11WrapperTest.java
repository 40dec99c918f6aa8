package io.brine.vault.seal.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.vault.IntegrityException;
import io.brine.vault.InvalidRequestException;
import io.brine.vault.seal.Pkcs11Config;
import io.brine.vault.seal.WrappedKey;
import io.brine.vault.testing.SoftHsm;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wrapping and unwrapping through a real SoftHSM token. */
class Pkcs11WrapperTest {
  private static final int IV_BYTES = 12;
  private static final int TAG_BYTES = 16;

  private static SoftHsm hsm;
  private static Pkcs11Config config;
  private static Pkcs11Wrapper wrapper;

  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void createKey() throws Exception {
    hsm = SoftHsm.get();
    config = hsm.createKey(SoftHsm.TOKEN_1, hsm.newKeyLabel("wrap"));
    wrapper = Pkcs11Wrapper.connect(config);
  }

  @Test
  void type_always_isPkcs11() {
    assertThat(wrapper.type()).isEqualTo("pkcs11");
  }

  @Test
  void wrapThenUnwrap_rootKey_returnsTheSameBytes() throws Exception {
    SecretBytes rootKey = SecretBytes.random(32, random);

    SecretBytes unwrapped = wrapper.unwrap(wrapper.wrap(rootKey));

    assertThat(unwrapped.equalsInConstantTime(rootKey)).isTrue();
  }

  @Test
  void wrapThenUnwrap_storedKeysJson_returnsTheSameBytes() throws Exception {
    // OpenBao wraps its stored-keys JSON, about 48 bytes, not only raw 32-byte keys.
    SecretBytes storedKeys = SecretBytes.random(49, random);

    assertThat(wrapper.unwrap(wrapper.wrap(storedKeys)).equalsInConstantTime(storedKeys)).isTrue();
  }

  @Test
  void wrap_rootKey_laysOutIvCiphertextTagUnderTheKeyLabel() throws Exception {
    WrappedKey wrapped = wrapper.wrap(SecretBytes.random(32, random));

    assertThat(wrapped.keyId()).isEqualTo(config.keyLabel()).isEqualTo(wrapper.keyLabel());
    assertThat(wrapped.ciphertext()).hasSize(IV_BYTES + 32 + TAG_BYTES);
  }

  @Test
  void wrap_sameKeyTwice_drawsDifferentIvs() throws Exception {
    SecretBytes rootKey = SecretBytes.random(32, random);

    byte[] first = wrapper.wrap(rootKey).ciphertext();
    byte[] second = wrapper.wrap(rootKey).ciphertext();

    assertThat(Arrays.copyOf(first, IV_BYTES)).isNotEqualTo(Arrays.copyOf(second, IV_BYTES));
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void wrap_rootKey_doesNotContainThePlaintext() throws Exception {
    SecretBytes rootKey = SecretBytes.random(32, random);
    byte[] plaintext = rootKey.copyOut(SecretAccess.INSECURE);

    byte[] body = Arrays.copyOfRange(wrapper.wrap(rootKey).ciphertext(), IV_BYTES, IV_BYTES + 32);

    assertThat(body).isNotEqualTo(plaintext);
  }

  @Test
  void unwrap_anyBitFlipped_throwsIntegrityException() throws Exception {
    WrappedKey wrapped = wrapper.wrap(SecretBytes.random(32, random));
    List<String> accepted = new ArrayList<>();

    for (int bit = 0; bit < wrapped.ciphertext().length * 8; bit++) {
      byte[] tampered = wrapped.ciphertext().clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      try {
        wrapper.unwrap(new WrappedKey(wrapped.keyId(), tampered));
        accepted.add("bit " + bit);
      } catch (IntegrityException expected) {
        assertThat(expected)
            .hasMessage("HSM could not decrypt the stored key: wrong HSM key or tampered storage");
      }
    }

    assertThat(accepted).isEmpty();
  }

  @Test
  void unwrap_truncated_throwsIntegrityException() throws Exception {
    byte[] ciphertext = wrapper.wrap(SecretBytes.random(32, random)).ciphertext();
    List<Integer> accepted = new ArrayList<>();

    for (int length = 0; length < ciphertext.length; length++) {
      try {
        wrapper.unwrap(new WrappedKey(config.keyLabel(), Arrays.copyOf(ciphertext, length)));
        accepted.add(length);
      } catch (IntegrityException expected) {
        // every shorter value must be refused
      }
    }

    assertThat(accepted).isEmpty();
  }

  @Test
  void unwrap_wrappedByAnotherKeyLabel_throwsInvalidRequestNamingBothKeys() throws Exception {
    WrappedKey wrapped = wrapper.wrap(SecretBytes.random(32, random));

    assertThatThrownBy(() -> wrapper.unwrap(new WrappedKey("old-unseal", wrapped.ciphertext())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "stored key was wrapped by HSM key 'old-unseal', configured key is '"
                + config.keyLabel()
                + "'");
  }

  @Test
  void unwrap_sameLabelOnAnotherToken_throwsIntegrityException() throws Exception {
    String label = hsm.newKeyLabel("twin");
    Pkcs11Wrapper onToken1 = Pkcs11Wrapper.connect(hsm.createKey(SoftHsm.TOKEN_1, label));
    Pkcs11Wrapper onToken2 = Pkcs11Wrapper.connect(hsm.createKey(SoftHsm.TOKEN_2, label));
    WrappedKey wrapped = onToken1.wrap(SecretBytes.random(32, random));

    assertThatThrownBy(() -> onToken2.unwrap(wrapped))
        .isInstanceOf(IntegrityException.class)
        .hasMessage("HSM could not decrypt the stored key: wrong HSM key or tampered storage");
  }

  @Test
  void unwrap_afterConnectingAgain_returnsTheSameBytes() throws Exception {
    SecretBytes rootKey = SecretBytes.random(32, random);
    WrappedKey wrapped = wrapper.wrap(rootKey);

    Pkcs11Wrapper again = Pkcs11Wrapper.connect(config);

    assertThat(again.unwrap(wrapped).equalsInConstantTime(rootKey)).isTrue();
  }

  @Test
  void toString_always_namesKeyAndTokenOnly() {
    assertThat(wrapper)
        .hasToString(
            "Pkcs11Wrapper[key '" + config.keyLabel() + "' on token '" + SoftHsm.TOKEN_1 + "']");
  }
}
