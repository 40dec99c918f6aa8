package io.brine.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HELLO parsing: everything a hostile minion can send before it is authenticated. */
class HelloTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode goodHello() throws Exception {
    byte[] body =
        MinionHandshake.start(
                MinionId.of("web1"), TestKeys.MINION, MasterTrust.pinned(
                    (java.security.interfaces.RSAPublicKey) TestKeys.MASTER.getPublic()))
            .hello();
    return (ObjectNode) JSON.readTree(body);
  }

  private static void assertRefused(ObjectNode hello, String message) throws Exception {
    assertRefused(JSON.writeValueAsBytes(hello), message);
  }

  private static void assertRefused(byte[] body, String message) {
    assertThatThrownBy(() -> Hello.parse(body))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void parse_goodHello_givesIdKeyAndToken() throws Exception {
    Hello hello = Hello.parse(JSON.writeValueAsBytes(goodHello()));
    assertThat(hello.id().value()).isEqualTo("web1");
    assertThat(hello.publicKey()).isEqualTo(TestKeys.MINION.getPublic());
    assertThat(hello.hasToken()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "../etc", "", "a\u0000b", "a\nb", ".hidden", "a..b"})
  void parse_badId_isRefused(String id) throws Exception {
    ObjectNode h = goodHello();
    h.put("id", id);
    assertRefused(h, "HELLO has a bad id");
  }

  @Test
  void parse_10kbId_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("id", "a".repeat(10 * 1024));
    assertRefused(h, "field 'id' is 10240 characters; at most 1024");
  }

  @Test
  void parse_1024BitKey_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("pub", TestKeys.pem(TestKeys.rsa(1024, 65537).getPublic()));
    assertRefused(h, "weak key");
  }

  @Test
  void parse_exponent3Key_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("pub", TestKeys.pem(TestKeys.rsa(2048, 3).getPublic()));
    assertRefused(h, "weak key");
  }

  @Test
  void parse_ecKey_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("pub", TestKeys.pem(TestKeys.ec().getPublic()));
    assertRefused(h, "bad key");
  }

  @Test
  void parse_garbageKey_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    assertRefused(h, "bad key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "pub", "nonce", "eph", "proto"})
  void parse_missingField_isRefused(String field) throws Exception {
    ObjectNode h = goodHello();
    h.remove(field);
    assertRefused(h, "HELLO is missing the field '" + field + "'");
  }

  @Test
  void parse_withoutToken_isFirstContact() throws Exception {
    ObjectNode h = goodHello();
    h.remove("token");
    assertThat(Hello.parse(JSON.writeValueAsBytes(h)).hasToken()).isFalse();
  }

  @Test
  void parse_callFlag_isACallSessionAndOnlyTrueIsAccepted() throws Exception {
    assertThat(Hello.parse(JSON.writeValueAsBytes(goodHello())).callOnly()).isFalse();
    ObjectNode h = goodHello();
    h.put("call", true);
    Hello hello = Hello.parse(JSON.writeValueAsBytes(h));
    assertThat(hello.callOnly()).isTrue();
    assertThat(hello.toString()).contains("call session");
    h.put("call", false);
    assertRefused(h, "HELLO field 'call' must be true when present");
    h.put("call", "true");
    assertRefused(h, "HELLO field 'call' must be true when present");
    h.put("call", 1);
    assertRefused(h, "HELLO field 'call' must be true when present");
  }

  @Test
  void parse_unknownField_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("cmd", "_auth");
    assertRefused(h, "HELLO has an unknown field 'cmd'");
  }

  @Test
  void parse_wrongTypes_areRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("proto", "1");
    assertRefused(h, "field 'proto' must be a 32-bit integer");
    h = goodHello();
    h.put("proto", 1.0);
    assertRefused(h, "field 'proto' must be a 32-bit integer");
    h = goodHello();
    h.put("nonce", 12345);
    assertRefused(h, "field 'nonce' must be a string");
    h = goodHello();
    h.putNull("id");
    assertRefused(h, "field 'id' must be a string");
    h = goodHello();
    h.putArray("pub");
    assertRefused(h, "field 'pub' must be a string");
  }

  @Test
  void parse_otherProtocolVersion_isRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("proto", 0);
    assertRefused(h, "HELLO asks for protocol 0; this master speaks only 3");
    h.put("proto", 1);
    assertRefused(h, "HELLO asks for protocol 1; this master speaks only 3");
    h.put("proto", 2); // the handshake without CONFIRM
    assertRefused(h, "HELLO asks for protocol 2; this master speaks only 3");
  }

  @Test
  void parse_badBinaryFields_areRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("nonce", Base64.getEncoder().encodeToString(new byte[31]));
    assertRefused(h, "field 'nonce' is 31 bytes; expected 32");
    h = goodHello();
    h.put("eph", "not base64!");
    assertRefused(h, "field 'eph' is not valid base64");
    h = goodHello();
    h.put("token", Base64.getEncoder().encodeToString(new byte[16]));
    assertRefused(h, "field 'token' is 16 bytes; expected 256..2048");
  }

  @Test
  void parse_oversizedStrings_areRefused() throws Exception {
    ObjectNode h = goodHello();
    h.put("pub", "x".repeat(5000));
    assertRefused(h, "field 'pub' is 5000 characters; at most 4096");
    h = goodHello();
    h.put("token", "A".repeat(50_000));
    assertRefused(h, "field 'token' is 50000 characters");
    h = goodHello();
    h.put("pub", "x".repeat(100_000));
    assertRefused(h, "HELLO body is 100");
  }

  @Test
  void parse_malformedJson_isRefused() throws Exception {
    assertRefused("{\"id\":".getBytes(StandardCharsets.UTF_8), "HELLO body is not valid JSON");
    assertRefused("[]".getBytes(StandardCharsets.UTF_8), "HELLO body is not a JSON object");
    assertRefused(new byte[0], "HELLO body is not a JSON object");
    byte[] good = JSON.writeValueAsBytes(goodHello());
    byte[] trailing =
        (new String(good, StandardCharsets.UTF_8) + " {}").getBytes(StandardCharsets.UTF_8);
    assertRefused(trailing, "HELLO body is not valid JSON");
    String dup = new String(good, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"id\":\"x\",");
    assertRefused(dup.getBytes(StandardCharsets.UTF_8), "HELLO body is not valid JSON");
  }
}
