package io.brine.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.Wycheproof;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's aes_gcm_test.json (316 vectors). brine uses only AES-256 with 96-bit nonces and
 * 128-bit tags, so those groups are run through the cipher brine uses; for every other group the
 * test checks that brine refuses the key or that the parameters are ones it never produces.
 */
class AesGcmWycheproofTest extends UnderEachProvider {
  private static final JsonNode FILE = Wycheproof.load("aes_gcm_test.json");

  @Test
  void aes256WithTwelveByteNonce_everyVectorBehavesAsPublished() throws Exception {
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : FILE.get("testGroups")) {
      if (group.get("keySize").asInt() != 256
          || group.get("ivSize").asInt() != 96
          || group.get("tagSize").asInt() != 128) {
        continue;
      }
      for (JsonNode test : group.get("tests")) {
        run++;
        check(test, errors);
      }
    }
    assertThat(run).as("vectors run").isGreaterThan(50);
    assertThat(errors).isEmpty();
  }

  @Test
  void keysOtherThan256Bits_areRefused() {
    int refused = 0;
    for (JsonNode group : FILE.get("testGroups")) {
      int keySize = group.get("keySize").asInt();
      if (keySize == 256) {
        continue;
      }
      byte[] key = Wycheproof.hex(group.get("tests").get(0), "key");
      assertThatThrownBy(() -> AesGcmKey.fromSecret(SecretBytes.copyOf(key)))
          .as("%d-bit key", keySize)
          .isInstanceOf(IllegalArgumentException.class);
      refused++;
    }
    assertThat(refused).isPositive();
  }

  private static void check(JsonNode test, List<String> errors) throws Exception {
    String id = Wycheproof.id(test);
    AesGcmKey key = AesGcmKey.fromSecret(SecretBytes.copyOf(Wycheproof.hex(test, "key")));
    byte[] iv = Wycheproof.hex(test, "iv");
    byte[] aad = Wycheproof.hex(test, "aad");
    byte[] msg = Wycheproof.hex(test, "msg");
    byte[] ctAndTag = concat(Wycheproof.hex(test, "ct"), Wycheproof.hex(test, "tag"));
    String result = test.get("result").asText();

    // Sealed before it is opened: ACCP, like SunJCE, refuses to encrypt under the key and nonce
    // its Cipher was last initialized with, and ACCP counts a decryption too.
    if (result.equals("valid")) {
      byte[] sealed = new byte[ctAndTag.length];
      GcmCipher.seal(key, iv, msg, aad, sealed, 0);
      if (!Arrays.equals(sealed, ctAndTag)) {
        errors.add(id + ": encryption differs from the vector");
      }
    }

    try {
      byte[] opened = GcmCipher.open(key, iv, ctAndTag, 0, ctAndTag.length, aad);
      if (result.equals("invalid")) {
        errors.add(id + ": invalid vector decrypted");
      } else if (!Arrays.equals(opened, msg)) {
        errors.add(id + ": wrong plaintext");
      }
    } catch (DecryptionFailedException e) {
      if (result.equals("valid")) {
        errors.add(id + ": valid vector failed to decrypt");
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
