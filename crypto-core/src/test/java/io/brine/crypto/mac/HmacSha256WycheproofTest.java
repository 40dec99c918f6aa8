package io.brine.crypto.mac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.InvalidMacException;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.Wycheproof;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's hmac_sha256_test.json, the groups with full 32-byte tags (brine never truncates):
 * valid tags verify, invalid ones (changed bits, wrong lengths) do not.
 */
class HmacSha256WycheproofTest {

  @Test
  void fullLengthTags_behaveAsPublished() {
    JsonNode file = Wycheproof.load("hmac_sha256_test.json");
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : file.get("testGroups")) {
      if (group.get("tagSize").asInt() != 256 || group.get("keySize").asInt() < 128) {
        continue;
      }
      for (JsonNode test : group.get("tests")) {
        run++;
        HmacSha256 mac = HmacSha256.create(SecretBytes.copyOf(Wycheproof.hex(test, "key")));
        boolean valid = test.get("result").asText().equals("valid");
        try {
          mac.verify(Wycheproof.hex(test, "tag"), Wycheproof.hex(test, "msg"));
          if (!valid) {
            errors.add(Wycheproof.id(test) + ": invalid tag accepted");
          }
        } catch (InvalidMacException e) {
          if (valid) {
            errors.add(Wycheproof.id(test) + ": valid tag refused");
          }
        }
      }
    }
    assertThat(run).isGreaterThan(40);
    assertThat(errors).isEmpty();
  }

  @Test
  void verify_ownTag_passes_andTamperingFails() {
    HmacSha256 mac = HmacSha256.create(SecretBytes.copyOf(new byte[32]));
    byte[] tag = mac.compute(new byte[] {1, 2, 3});
    assertThatCode(() -> mac.verify(tag, new byte[] {1, 2, 3})).doesNotThrowAnyException();
    tag[0] ^= 1;
    assertThatThrownBy(() -> mac.verify(tag, new byte[] {1, 2, 3}))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> mac.verify(null, new byte[0])).isInstanceOf(InvalidMacException.class);
  }

  @Test
  void create_shortKey_isRefused() {
    assertThatThrownBy(() -> HmacSha256.create(SecretBytes.copyOf(new byte[8])))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
