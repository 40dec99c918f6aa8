package io.brine.crypto.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.Wycheproof;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's x25519_test.json (518 vectors, RFC 7748's among them). "valid" vectors must give
 * the published secret; "acceptable" ones either give it or, for the low-order points whose secret
 * is all zeros, must be refused: brine never accepts a secret a man in the middle can force.
 */
class X25519WycheproofTest {

  @Test
  void everyVector_behavesAsPublished() {
    JsonNode file = Wycheproof.load("x25519_test.json");
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : file.get("testGroups")) {
      for (JsonNode test : group.get("tests")) {
        run++;
        X25519KeyPair pair =
            X25519KeyPair.fromPrivateKey(SecretBytes.copyOf(Wycheproof.hex(test, "private")));
        byte[] expected = Wycheproof.hex(test, "shared");
        boolean zeroSecret = isAllZero(expected);
        try {
          byte[] shared = pair.agree(Wycheproof.hex(test, "public")).copyOut(SecretAccess.INSECURE);
          if (zeroSecret) {
            errors.add(Wycheproof.id(test) + ": all-zero secret accepted");
          } else if (!Arrays.equals(shared, expected)) {
            errors.add(Wycheproof.id(test) + ": wrong secret");
          }
        } catch (InvalidKeyException e) {
          if (!zeroSecret) {
            errors.add(Wycheproof.id(test) + ": refused (" + e.getMessage() + ")");
          }
        }
      }
    }
    assertThat(run).isEqualTo(file.get("numberOfTests").asInt());
    assertThat(errors).isEmpty();
  }

  @Test
  void twoFreshPairs_agreeOnOneSecret() throws Exception {
    X25519KeyPair minion = X25519KeyPair.generate();
    X25519KeyPair master = X25519KeyPair.generate();
    SecretBytes a = minion.agree(master.publicKey());
    SecretBytes b = master.agree(minion.publicKey());
    assertThat(a.equalsInConstantTime(b)).isTrue();
    assertThat(minion.publicKey()).hasSize(32).isNotEqualTo(master.publicKey());
  }

  @Test
  void agree_wrongLength_orAfterDestroy_isRefused() {
    X25519KeyPair pair = X25519KeyPair.generate();
    assertThatThrownBy(() -> pair.agree(new byte[31])).isInstanceOf(InvalidKeyException.class);
    pair.destroy();
    assertThatThrownBy(() -> pair.agree(X25519KeyPair.generate().publicKey()))
        .isInstanceOf(IllegalStateException.class);
  }

  private static boolean isAllZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }
}
