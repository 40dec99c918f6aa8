package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sys/master-key} and its rotation on a real master over loopback. */
class MasterKeyEndpointsTest {
  @TempDir Path dir;

  @Test
  void sealed_503_badInput_400_thenARotationAnswersTheNewStatus() throws Exception {
    TestMaster.Started master = TestMaster.start(TestMaster.write(dir, ""));
    try {
      ApiClient api = master.client();
      ApiClient.Reply sealed = api.get("/v1/sys/master-key", "s.whatever");
      assertThat(sealed.status()).isEqualTo(503);
      assertThat(sealed.error()).isEqualTo("Vault is sealed");
      assertThat(api.put("/v1/sys/master-key/rotate", Map.of(), "s.whatever").status())
          .isEqualTo(503);

      String root = master.initAndUnseal();
      JsonNode before = api.get("/v1/sys/master-key", root).json().get("data");
      assertThat(before.get("epoch").asInt()).isZero();
      assertThat(before.get("retained")).isEmpty();

      ApiClient.Reply unknown =
          api.put("/v1/sys/master-key/rotate", Map.of("grace", "1h", "keysize", 4096), root);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.error()).contains("unknown field 'keysize'");
      ApiClient.Reply negative = api.put("/v1/sys/master-key/rotate", Map.of("grace", "-1h"), root);
      assertThat(negative.status()).isEqualTo(400);
      assertThat(api.get("/v1/sys/master-key", root).json().get("data").get("epoch").asInt())
          .as("nothing rotated by a refused request")
          .isZero();

      long start = Instant.now().getEpochSecond();
      ApiClient.Reply rotated = api.put("/v1/sys/master-key/rotate", null, root);
      assertThat(rotated.status()).isEqualTo(200);
      JsonNode data = rotated.json().get("data");
      assertThat(data.get("epoch").asInt()).isEqualTo(1);
      assertThat(data.get("fingerprint").asText()).isNotEqualTo(before.get("fingerprint").asText());
      JsonNode old = data.get("retained").get(0);
      assertThat(old.get("fingerprint").asText()).isEqualTo(before.get("fingerprint").asText());
      assertThat(old.get("grace_end").asLong())
          .as("the default master_key_grace, 168h")
          .isBetween(start + 168 * 3600, Instant.now().getEpochSecond() + 168 * 3600);
      assertThat(api.get("/v1/sys/master-key", root).json().get("data")).isEqualTo(data);
    } finally {
      master.daemon().close();
    }
  }
}
