package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.FileStorage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API's pipeline (HTTP codec, bounded aggregator, API handler) as transcripts on an
 * {@link EmbeddedChannel}: raw request bytes in, raw response bytes out, over a real vault on real
 * files. The handler runs its vault calls on {@link ImmediateEventExecutor}, so each transcript is
 * synchronous.
 */
class OperatorApiPipelineTest {
  private static final int MAX_BODY = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private VaultCore vault;
  private EmbeddedChannel ch;

  @BeforeEach
  void open() throws Exception {
    vault = VaultCore.builder(FileStorage.open(dir.resolve("vault"))).version("9.9.9").build();
    OperatorApi api = OperatorApi.create(vault, "2026-01-02T03:04:05Z", Clock.systemUTC());
    ch =
        new EmbeddedChannel(
            new HttpServerCodec(),
            new BoundedRequestAggregator(MAX_BODY),
            new OperatorApiHandler(api, ImmediateEventExecutor.INSTANCE));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    vault.close();
  }

  /** One HTTP response as read off the wire. */
  private record Wire(int status, String head, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private void send(String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  /** Everything written so far, split into the first response's head and body. */
  private Wire response() {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    String text = out.toString();
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("a complete response head in: %s", text).isPositive();
    String head = text.substring(0, end);
    return new Wire(Integer.parseInt(head.substring(9, 12)), head, text.substring(end + 4));
  }

  private static String request(String method, String path, String body, String... headers) {
    StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    if (body != null) {
      r.append("Content-Length: ")
          .append(body.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n");
    }
    return r.append("\r\n").append(body == null ? "" : body).toString();
  }

  @Test
  void sealStatus_answersJsonWithNoStore_andKeepsTheConnection() throws Exception {
    send(request("GET", "/v1/sys/seal-status", null));

    Wire r = response();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("application/json");
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    assertThat(r.header("content-length")).isEqualTo(String.valueOf(r.body().length()));
    JsonNode s = r.json();
    assertThat(s.get("version").asText()).isEqualTo("9.9.9");
    assertThat(s.get("build_date").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(s.get("commit_date").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(s.has("recovery_seal_type")).as("omitted without recovery").isFalse();
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.<Object>readOutbound()).isNull();
  }

  @Test
  void badPercentEscape_isA400_andTheConnectionKeepsWorking() throws Exception {
    send(request("GET", "/v1/sys/health?x=%zz", null));
    Wire bad = response();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").get(0).asText()).isEqualTo("malformed request URI");

    send(request("GET", "/v1/sys/seal-status", null));
    assertThat(response().status()).isEqualTo(200);
  }

  @Test
  void connectionClose_isHonoured() {
    send(request("GET", "/v1/sys/seal-status", null, "Connection: close"));

    Wire r = response();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("connection")).isEqualTo("close");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void sealed_everyPathButTheSealOnes_answers503() throws Exception {
    for (String path : new String[] {"/v1/sys/rotate", "/v1/secret/foo", "/nowhere"}) {
      send(request("PUT", path, "{}"));

      Wire r = response();
      assertThat(r.status()).as(path).isEqualTo(503);
      assertThat(r.body()).as(path).isEqualTo("{\"errors\":[\"Vault is sealed\"]}");
    }
  }

  @Test
  void unknownPath_whenUnsealed_is404_andWrongMethod_is405WithAllow() throws Exception {
    InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
    vault.submitUnsealKey(init.keys().get(0), false);

    send(request("GET", "/v1/sys/nope", null));
    Wire notFound = response();
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.json().get("errors").get(0).asText()).isEqualTo("unsupported path");

    send(request("GET", "/v1/sys/unseal", null));
    Wire wrongMethod = response();
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("allow")).isEqualTo("POST, PUT");
    assertThat(wrongMethod.header("content-type")).isEqualTo("application/json");
  }

  @Test
  void malformedJson_is400_withAShortReason() throws Exception {
    send(request("PUT", "/v1/sys/unseal", "{\"key\": "));

    Wire r = response();
    assertThat(r.status()).isEqualTo(400);
    String message = r.json().get("errors").get(0).asText();
    assertThat(message).startsWith("failed to parse JSON input: ").doesNotContain("\n");
    assertThat(ch.isOpen()).as("a bad body costs the request, not the connection").isTrue();
  }

  @Test
  void nonObjectJson_is400() throws Exception {
    send(request("PUT", "/v1/sys/unseal", "[\"abc\"]"));

    Wire r = response();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).asText())
        .isEqualTo("failed to parse JSON input: expected a JSON object, got array");
  }

  @Test
  void duplicateField_is400() throws Exception {
    send(request("PUT", "/v1/sys/unseal", "{\"key\":\"aa\",\"key\":\"bb\"}"));

    assertThat(response().status()).isEqualTo(400);
  }

  @Test
  void bodyOverTheLimit_byContentLength_is413_andTheConnectionGoesOn() throws Exception {
    String big = "{\"key\":\"" + "a".repeat(MAX_BODY) + "\"}";
    send(request("PUT", "/v1/sys/unseal", big));

    Wire r = response();
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("content-type")).isEqualTo("application/json");
    assertThat(r.json().get("errors").get(0).asText()).isEqualTo("request body too large");
    assertThat(ch.isOpen()).as("keep-alive: the body is skipped, not the connection").isTrue();

    send(request("GET", "/v1/sys/seal-status", null));
    assertThat(response().status()).isEqualTo(200);
  }

  @Test
  void bodyOverTheLimit_chunked_is413_andCloses() {
    String chunk = "x".repeat(600);
    send(
        "PUT /v1/sys/unseal HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            + Integer.toHexString(chunk.length())
            + "\r\n"
            + chunk
            + "\r\n"
            + Integer.toHexString(chunk.length())
            + "\r\n"
            + chunk
            + "\r\n"
            + "0\r\n\r\n");

    Wire r = response();
    assertThat(r.status()).isEqualTo(413);
    assertThat(ch.isOpen()).as("a body found too big part-way cannot be skipped").isFalse();
  }

  @Test
  void garbage_is400_andCloses() {
    send("\u0001\u0002 not http at all\r\n\r\n");

    Wire r = response();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/json");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void head_onHealth_hasTheHeadersButNoBody() {
    send(request("HEAD", "/v1/sys/health", null));

    Wire r = response();
    assertThat(r.status()).isEqualTo(501);
    assertThat(Integer.parseInt(r.header("content-length"))).isPositive();
    assertThat(r.body()).isEmpty();
  }

  @Test
  void seal_answers204WithoutALength() {
    send(request("PUT", "/v1/sys/seal", null));

    Wire r = response();
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("content-length")).isNull();
    assertThat(r.header("cache-control")).isEqualTo("no-store");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() {
    send(
        request("GET", "/v1/sys/init", null)
            + request("GET", "/v1/sys/nope", null)
            + request("GET", "/v1/sys/seal-status", null));

    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    assertThat(out.toString())
        .containsSubsequence(
            "HTTP/1.1 200", "{\"initialized\":false}", "HTTP/1.1 503", "HTTP/1.1 200", "\"type\"");
  }
}
