package io.brine.crypto.rsa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.crypto.InvalidSignatureException;
import io.brine.crypto.UnderEachProvider;
import io.brine.crypto.Wycheproof;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof's rsa_pss_2048_sha256_mgf1_32_test.json: the exact parameter set brine signs with.
 * "acceptable" vectors may go either way and are only counted.
 */
class RsaPssWycheproofTest extends UnderEachProvider {

  @Test
  void everyVector_behavesAsPublished() throws Exception {
    JsonNode file = Wycheproof.load("rsa_pss_2048_sha256_mgf1_32_test.json");
    List<String> errors = new ArrayList<>();
    int run = 0;
    for (JsonNode group : file.get("testGroups")) {
      RSAPublicKey key =
          (RSAPublicKey)
              KeyFactory.getInstance("RSA")
                  .generatePublic(new X509EncodedKeySpec(Wycheproof.hex(group, "publicKeyDer")));
      RsaPssVerifier verifier = RsaPssVerifier.create(key);
      for (JsonNode test : group.get("tests")) {
        run++;
        String result = test.get("result").asText();
        boolean verified;
        try {
          verifier.verify(Wycheproof.hex(test, "sig"), Wycheproof.hex(test, "msg"));
          verified = true;
        } catch (InvalidSignatureException e) {
          verified = false;
        }
        if (result.equals("valid") && !verified) {
          errors.add(Wycheproof.id(test) + ": valid signature refused");
        } else if (result.equals("invalid") && verified) {
          errors.add(Wycheproof.id(test) + ": invalid signature accepted");
        }
      }
    }
    assertThat(run).isEqualTo(file.get("numberOfTests").asInt());
    assertThat(errors).isEmpty();
  }
}
