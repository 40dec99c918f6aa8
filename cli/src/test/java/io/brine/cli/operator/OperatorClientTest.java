package io.brine.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.cli.CliException;
import io.brine.cli.testing.CannedApi;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's own HTTP: redirects as a standby sends them, errors as one line. */
class OperatorClientTest {
  @Test
  void aStandbysTemporaryRedirect_isFollowedWithMethodBodyAndToken() {
    try (CannedApi active = new CannedApi();
        CannedApi standby = new CannedApi()) {
      active.answer("PUT", "/v1/brine/jobs", 200, "{\"jid\":\"1\"}");
      standby.redirect("PUT", "/v1/brine/jobs", 307, active.address() + "/v1/brine/jobs");
      OperatorClient client = OperatorClient.connect(standby.address(), "s.token", null);

      assertThat(client.put("/v1/brine/jobs", Map.of("fun", "test.ping")).path("jid").asText())
          .isEqualTo("1");
      CannedApi.Request followed = active.onlyRequest();
      assertThat(followed.method()).isEqualTo("PUT");
      assertThat(followed.token()).isEqualTo("s.token");
      assertThat(followed.body().path("fun").asText()).isEqualTo("test.ping");
    }
  }

  @Test
  void seeOther_becomesAGetWithoutBody() {
    try (CannedApi api = new CannedApi()) {
      api.redirect("POST", "/v1/a", 303, "/v1/b");
      api.answer("GET", "/v1/b", 200, "{\"ok\":true}");
      OperatorClient client = OperatorClient.connect(api.address(), null, null);

      assertThat(client.post("/v1/a", Map.of("x", 1)).path("ok").asBoolean()).isTrue();
      assertThat(api.requests().get(1).method()).isEqualTo("GET");
      assertThat(api.requests().get(1).body()).isNull();
    }
  }

  @Test
  void aRedirectLoop_endsInOneLine() {
    try (CannedApi api = new CannedApi()) {
      api.redirect("GET", "/v1/loop", 307, "/v1/loop");
      OperatorClient client = OperatorClient.connect(api.address(), null, null);

      assertThatThrownBy(() -> client.get("/v1/loop"))
          .isInstanceOf(CliException.class)
          .hasMessage("GET /v1/loop: redirected more than 5 times");
      assertThat(api.requests()).hasSize(6);
    }
  }

  @Test
  void aRedirectToAnotherScheme_isNotFollowed() {
    try (CannedApi api = new CannedApi()) {
      api.redirect("GET", "/v1/x", 307, "file:///etc/passwd");
      OperatorClient client = OperatorClient.connect(api.address(), "s.secret", null);

      assertThatThrownBy(() -> client.get("/v1/x"))
          .isInstanceOf(CliException.class)
          .hasMessage("GET /v1/x: redirected to file, not followed");
    }
  }

  @Test
  void anErrorAnswer_isOneLineWithOpenBaosFirstError() {
    try (CannedApi api = new CannedApi()) {
      api.answer("DELETE", "/v1/sys/policy/p", 403, "{\"errors\":[\"permission\\ndenied\"]}");
      OperatorClient client = OperatorClient.connect(api.address(), "s.secret", null);

      assertThatThrownBy(() -> client.delete("/v1/sys/policy/p"))
          .isInstanceOfSatisfying(
              OperatorClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessage("DELETE /v1/sys/policy/p: 403 permission denied")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s.secret"));
    }
  }
}
