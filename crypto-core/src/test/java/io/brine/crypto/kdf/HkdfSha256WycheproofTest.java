package io.brine.crypto.kdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.Wycheproof;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wycheproof's hkdf_sha256_test.json, which opens with RFC 5869's own test cases. */
class HkdfSha256WycheproofTest {

  @Test
  void everyVector_behavesAsPublished() {
    JsonNode file = Wycheproof.load("hkdf_sha256_test.json");
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : file.get("testGroups")) {
      for (JsonNode test : group.get("tests")) {
        run++;
        SecretBytes ikm = SecretBytes.copyOf(Wycheproof.hex(test, "ikm"));
        byte[] salt = Wycheproof.hex(test, "salt");
        byte[] info = Wycheproof.hex(test, "info");
        int size = test.get("size").asInt();
        if (test.get("result").asText().equals("valid")) {
          byte[] okm = HkdfSha256.derive(ikm, salt, info, size).copyOut(SecretAccess.INSECURE);
          if (!Arrays.equals(okm, Wycheproof.hex(test, "okm"))) {
            errors.add(Wycheproof.id(test) + ": wrong output");
          }
          // Two outputs from one extract: each must be the published one.
          for (SecretBytes each : HkdfSha256.deriveEach(ikm, salt, size, info, info)) {
            if (!Arrays.equals(each.copyOut(SecretAccess.INSECURE), Wycheproof.hex(test, "okm"))) {
              errors.add(Wycheproof.id(test) + ": wrong output from deriveEach");
            }
          }
        } else {
          try {
            HkdfSha256.derive(ikm, salt, info, size);
            errors.add(Wycheproof.id(test) + ": invalid size accepted");
          } catch (IllegalArgumentException expected) {
            // the only invalid vectors ask for more than 255 blocks
          }
        }
      }
    }
    assertThat(run).isEqualTo(file.get("numberOfTests").asInt());
    assertThat(errors).isEmpty();
  }

  @Test
  void derive_zeroLength_isRefused() {
    assertThatThrownBy(() -> HkdfSha256.derive(SecretBytes.copyOf(new byte[32]), null, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..8160");
  }

  @Test
  void deriveEach_givesWhatDeriveGivesForEachInfo_inOrder() {
    SecretBytes ikm = SecretBytes.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    byte[] salt = {9, 9, 9};
    byte[] first = {'a'};
    byte[] second = {'b'};

    List<SecretBytes> both = HkdfSha256.deriveEach(ikm, salt, 32, first, second);

    assertThat(both).hasSize(2);
    assertThat(both.get(0).copyOut(SecretAccess.INSECURE))
        .isEqualTo(HkdfSha256.derive(ikm, salt, first, 32).copyOut(SecretAccess.INSECURE));
    assertThat(both.get(1).copyOut(SecretAccess.INSECURE))
        .isEqualTo(HkdfSha256.derive(ikm, salt, second, 32).copyOut(SecretAccess.INSECURE))
        .isNotEqualTo(both.get(0).copyOut(SecretAccess.INSECURE));
  }
}
