package io.brine.vault.barrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.vault.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyringTest {
  private static final AesGcmKey ROOT_KEY = AesGcmKey.generate();
  private static final String KEY_32 = Base64.getEncoder().encodeToString(new byte[32]);

  private static void assertSameKeyMaterial(AesGcmKey a, AesGcmKey b) {
    assertThat(a.secret().equalsInConstantTime(b.secret())).isTrue();
  }

  /** Encrypts hand-written JSON the way {@link Keyring#encrypt} would, to test the parser. */
  private static byte[] encryptJson(String json) throws Exception {
    return RandomNonceAesGcm.create(ROOT_KEY)
        .encrypt(
            json.getBytes(StandardCharsets.UTF_8),
            Keyring.ASSOCIATED_DATA.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void generate_hasOneFreshKeyAtTerm1() {
    Instant before = Instant.now();

    Keyring keyring = Keyring.generate();

    assertThat(keyring.activeTerm()).isEqualTo(1);
    assertThat(keyring.terms()).containsExactly(1);
    assertThat(keyring.key(1)).containsSame(keyring.activeKey());
    assertThat(keyring.key(2)).isEmpty();
    assertThat(keyring.installTime(1)).isBetween(before, Instant.now());
  }

  @Test
  void withNewTerm_keepsOldKeyObjectsAndAddsActiveTerm() {
    Keyring first = Keyring.generate();

    Keyring second = first.withNewTerm();
    Keyring third = second.withNewTerm();

    assertThat(first.activeTerm()).isEqualTo(1);
    assertThat(third.activeTerm()).isEqualTo(3);
    assertThat(third.terms()).containsExactly(1, 2, 3);
    assertThat(third.key(1)).containsSame(first.activeKey());
    assertThat(third.key(2)).containsSame(second.activeKey());
    assertThat(third.installTime(1)).isEqualTo(first.installTime(1));
    assertThat(third.installTime(3)).isAfterOrEqualTo(third.installTime(2));
    assertThat(third.activeKey().secret().equalsInConstantTime(second.activeKey().secret()))
        .isFalse();
  }

  @Test
  void encryptThenDecrypt_givesSameTermsKeysAndTimes() throws Exception {
    Keyring keyring = Keyring.generate().withNewTerm().withNewTerm();

    Keyring opened = Keyring.decrypt(keyring.encrypt(ROOT_KEY), ROOT_KEY);

    assertThat(opened.terms()).containsExactly(1, 2, 3);
    assertThat(opened.activeTerm()).isEqualTo(3);
    for (int term : keyring.terms()) {
      assertSameKeyMaterial(opened.key(term).orElseThrow(), keyring.key(term).orElseThrow());
      assertThat(opened.installTime(term)).isEqualTo(keyring.installTime(term));
    }
  }

  @Test
  void encrypt_containsNoKeyBytesInClear() throws Exception {
    Keyring keyring = Keyring.generate();
    String keyBase64 =
        Base64.getEncoder()
            .encodeToString(keyring.activeKey().secret().copyOut(SecretAccess.INSECURE));

    byte[] ciphertext = keyring.encrypt(ROOT_KEY);

    assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1))
        .doesNotContain(keyBase64)
        .doesNotContain("term");
  }

  @Test
  void decrypt_wrongRootKey_throwsDecryptionFailed() {
    byte[] ciphertext = Keyring.generate().encrypt(ROOT_KEY);

    assertThatThrownBy(() -> Keyring.decrypt(ciphertext, AesGcmKey.generate()))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void decrypt_anyFlippedByte_throwsDecryptionFailed() {
    byte[] ciphertext = Keyring.generate().withNewTerm().encrypt(ROOT_KEY);

    for (int i = 0; i < ciphertext.length; i++) {
      byte[] tampered = ciphertext.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> Keyring.decrypt(tampered, ROOT_KEY))
          .as("byte %d flipped", i)
          .isInstanceOf(DecryptionFailedException.class);
    }
  }

  @Test
  void decrypt_truncated_throwsDecryptionFailed() {
    byte[] ciphertext = Keyring.generate().encrypt(ROOT_KEY);

    assertThatThrownBy(() -> Keyring.decrypt(Arrays.copyOf(ciphertext, 27), ROOT_KEY))
        .isInstanceOf(DecryptionFailedException.class);
  }

  @Test
  void decrypt_otherAssociatedData_throwsDecryptionFailed() throws Exception {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] ciphertext =
        RandomNonceAesGcm.create(ROOT_KEY)
            .encrypt(json, "core/other".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> Keyring.decrypt(ciphertext, ROOT_KEY))
        .isInstanceOf(DecryptionFailedException.class);
  }

  /**
   * Malformed keyrings, written with ' for " and with KEY standing for a valid base64 key and TIME
   * for a valid instant.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{'version':1,'terms':[]}",
        "{'version':2,'terms':[{'term':1,'key':'KEY','install_time':'TIME'}]}",
        "{'terms':[{'term':1,'key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':0,'key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':99999999999,'key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':'1','key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':1,'key':'AAAA','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':1,'key':'!!!','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':1,'key':'KEY','install_time':'yesterday'}]}",
        "{'version':1,'terms':[{'term':1,'key':'KEY'}]}",
        "{'version':1,'terms':[{'term':1,'key':'KEY','install_time':'TIME','x':1}]}",
        "{'version':1,'terms':[{'term':1,'key':'KEY','install_time':'TIME'},"
            + "{'term':1,'key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'version':1,'terms':[{'term':1,'key':'KEY','install_time':'TIME'}]}",
        "{'version':1,'terms':[{'term':1,'key':'KEY','install_time':'TIME'}]} {}",
        "{'version':1,'terms':[{'term':1,'key':'KEY','install_time':'TIME'}],'extra':true}"
      })
  void decrypt_decryptsButMalformed_throwsIntegrityWithOneLineMessage(String template)
      throws Exception {
    String json =
        template.replace('\'', '"').replace("KEY", KEY_32).replace("TIME", "2025-01-01T00:00:00Z");
    byte[] ciphertext = encryptJson(json);

    assertThatThrownBy(() -> Keyring.decrypt(ciphertext, ROOT_KEY))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith("the keyring decrypted but is malformed: ")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining(KEY_32);
  }

  @Test
  void decrypt_wellFormedHandWrittenJson_isAccepted() throws Exception {
    byte[] ciphertext =
        encryptJson(
            "{\"version\":1,\"terms\":[{\"term\":7,\"key\":\""
                + KEY_32
                + "\",\"install_time\":\"2025-01-01T00:00:00Z\"}]}");

    Keyring keyring = Keyring.decrypt(ciphertext, ROOT_KEY);

    assertThat(keyring.activeTerm()).isEqualTo(7);
    assertThat(keyring.installTime(7)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(keyring.activeKey().secret().copyOut(SecretAccess.INSECURE)).isEqualTo(new byte[32]);
  }

  @Test
  void destroy_wipesEveryKeyIncludingShared() {
    Keyring first = Keyring.generate();
    Keyring second = first.withNewTerm();

    second.destroy();

    assertThat(second.isDestroyed()).isTrue();
    assertThat(first.isDestroyed()).isTrue();
    assertThat(second.key(1).orElseThrow().isDestroyed()).isTrue();
    assertThat(second.key(2).orElseThrow().isDestroyed()).isTrue();
    assertThatThrownBy(() -> second.encrypt(ROOT_KEY)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void installTime_unknownTerm_throws() {
    assertThatThrownBy(() -> Keyring.generate().installTime(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the keyring has no term 2");
  }

  @Test
  void toString_showsTermsNotKeys() {
    Keyring keyring = Keyring.generate().withNewTerm();

    assertThat(keyring).hasToString("Keyring[terms 1..2, active 2]");
    keyring.destroy();
    assertThat(keyring).hasToString("Keyring[terms 1..2, active 2, destroyed]");
  }
}
