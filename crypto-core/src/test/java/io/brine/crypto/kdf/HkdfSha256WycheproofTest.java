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
}
