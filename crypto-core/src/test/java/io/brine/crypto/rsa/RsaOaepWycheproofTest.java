package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.Wycheproof;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's rsa_oaep_2048_sha256_mgf1sha256_test.json: every valid vector decrypts to its
 * message, every invalid one (bad padding, malformed ciphertext) fails with the one exception.
 * brine always uses the empty label, so vectors made with a label must fail too.
 */
class RsaOaepWycheproofTest extends UnderEachProvider {

  @Test
  void everyVector_behavesAsPublished() throws Exception {
    JsonNode file = Wycheproof.load("rsa_oaep_2048_sha256_mgf1sha256_test.json");
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : file.get("testGroups")) {
      RSAPrivateCrtKey key =
          (RSAPrivateCrtKey)
              KeyFactory.getInstance("RSA")
                  .generatePrivate(new PKCS8EncodedKeySpec(Wycheproof.hex(group, "privateKeyPkcs8")));
      RsaOaepDecrypter decrypter = RsaOaepDecrypter.create(key);
      for (JsonNode test : group.get("tests")) {
        run++;
        boolean shouldOpen =
            test.get("result").asText().equals("valid") && test.get("label").asText().isEmpty();
        try {
          byte[] msg = decrypter.decrypt(Wycheproof.hex(test, "ct"));
          if (!shouldOpen) {
            errors.add(Wycheproof.id(test) + ": decrypted but should not");
          } else if (!Arrays.equals(msg, Wycheproof.hex(test, "msg"))) {
            errors.add(Wycheproof.id(test) + ": wrong message");
          }
        } catch (DecryptionFailedException e) {
          if (shouldOpen) {
            errors.add(Wycheproof.id(test) + ": failed to decrypt a valid vector");
          }
        }
      }
    }
    assertThat(run).isEqualTo(file.get("numberOfTests").asInt());
    assertThat(errors).isEmpty();
  }
}
