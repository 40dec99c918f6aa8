package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bad input on policies and tokens, over HTTP on a real master: each is a 400 with
 * one clear line, and nothing is stored.
 */
class AuthzBadInputTest {
  @TempDir static Path dir;

  private static TestMaster.Started master;
  private static ApiClient api;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    master = TestMaster.start(TestMaster.write(dir, ""));
    api = master.client();
    root = master.initAndUnseal();
  }

  @AfterAll
  static void stop() {
    if (master != null) {
      master.daemon().close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "syntax|p1|path \"a\" { capabilities = [\"read\" }|line 1, column",
        "unknown capability|p2|path \"a\" { capabilities = [\"fly\"] }|fly",
        "unknown key|p3|path \"a\" { capability = [\"read\"] }|capability",
        "slash in the name|a/b|path \"a\" { capabilities = [\"read\"] }|name",
        "dots in the name|a..b|path \"a\" { capabilities = [\"read\"] }|name",
      })
  void aBadPolicy_is400WithOneLine_andNothingIsStored(
      String what, String name, String text, String mentioned) throws Exception {
    ApiClient.Reply put = api.put("/v1/sys/policies/acl/" + name, Map.of("policy", text), root);

    assertThat(put.status()).as(put.text()).isEqualTo(400);
    assertThat(put.error()).contains(mentioned).doesNotContain("\n");
    JsonNode list = api.send("LIST", "/v1/sys/policies/acl", null, "X-Vault-Token", root).json();
    assertThat(list.path("data").path("keys").toString()).doesNotContain(name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a ttl that is no duration|{\"ttl\":\"ten minutes\"}|ttl",
        "a negative ttl|{\"ttl\":\"-5m\"}|ttl",
        "negative num_uses|{\"num_uses\":-1}|num_uses",
        "a batch token|{\"type\":\"batch\"}|batch",
      })
  void aBadTokenRequest_is400WithOneLine_andNoTokenIsMade(String what, String body, String named)
      throws Exception {
    int before = accessors();

    ApiClient.Reply created =
        api.send("POST", "/v1/auth/token/create", body, "X-Vault-Token", root);

    assertThat(created.status()).as(created.text()).isEqualTo(400);
    assertThat(created.error()).contains(named).doesNotContain("\n");
    assertThat(accessors()).isEqualTo(before);
  }

  @Test
  void ttlStrings_inOpenBaosForms_giveTheirSeconds() throws Exception {
    for (Map.Entry<String, Integer> ttl :
        Map.of("90m", 5400, "1h", 3600, "3600", 3600, "1h30m", 5400).entrySet()) {
      ApiClient.Reply created =
          api.send(
              "POST",
              "/v1/auth/token/create",
              "{\"ttl\":\"" + ttl.getKey() + "\",\"policies\":[\"default\"]}",
              "X-Vault-Token",
              root);

      assertThat(created.status()).as(created.text()).isEqualTo(200);
      assertThat(created.json().path("auth").path("lease_duration").asInt())
          .as(ttl.getKey())
          .isEqualTo(ttl.getValue());
    }
  }

  private static int accessors() throws Exception {
    return api.send("LIST", "/v1/auth/token/accessors", null, "X-Vault-Token", root)
        .json()
        .path("data")
        .path("keys")
        .size();
  }
}
