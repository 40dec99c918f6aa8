package io.brine.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionCallTest {
  @Test
  void call_roundTrips_withItsBody() throws Exception {
    SessionCall call = SessionCall.of(42, SessionCall.FILE_READ);
    call.body().put("path", "salt://motd").put("offset", 0);

    SessionCall back = SessionCall.parse(call.toJson());

    assertThat(back.rid()).isEqualTo(42);
    assertThat(back.kind()).isEqualTo("file.read");
    assertThat(back.body().toString()).isEqualTo("{\"path\":\"salt://motd\",\"offset\":0}");
  }

  @Test
  void replies_okAndError_roundTrip() throws Exception {
    SessionReply ok = SessionReply.ok(1);
    ok.body().put("size", 12);
    SessionReply error = SessionReply.error(2, "no such file: salt://x");

    assertThat(SessionReply.parse(ok.toJson()).body().path("size").asInt()).isEqualTo(12);
    assertThat(SessionReply.parse(error.toJson()).error()).isEqualTo("no such file: salt://x");
    assertThat(new String(error.toJson(), StandardCharsets.UTF_8))
        .isEqualTo("{\"rid\":2,\"ok\":false,\"error\":\"no such file: salt://x\"}");
  }

  @Test
  void malformed_isRefused() {
    for (String bad :
        new String[] {
          "{\"kind\":\"return\"}",
          "{\"rid\":-1,\"kind\":\"return\"}",
          "{\"rid\":1.5,\"kind\":\"return\"}",
          "{\"rid\":1,\"kind\":3}",
          "{\"rid\":1,\"rid\":2,\"kind\":\"return\"}",
          "{\"rid\":1,\"kind\":\"return\"} trailing"
        }) {
      assertThatThrownBy(() -> SessionCall.parse(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(ProtocolException.class);
    }
    assertThatThrownBy(
            () -> SessionReply.parse("{\"rid\":1,\"ok\":false}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("a failed reply must carry an 'error' string");
  }
}
