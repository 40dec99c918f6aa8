package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brine.master.cp.StagedFiles;
import io.brine.master.testing.ApiClient;
import io.brine.master.testing.TestMaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine cp}'s upload route on a real master over loopback: chunks of raw bytes larger than
 * {@code max_request_bytes} (64 KiB) are staged through the one request path, each audited with
 * none of its bytes; a request without a token, or over the chunk limit, is answered 413 before
 * its body is sent; made-up tokens hold at most the shared budget, given back when they go.
 */
class CpUploadApiTest {
  private static final String NO_SUCH_ID = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private TestMaster.Started master;
  private ApiClient api;
  private String root;
  private int port;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    master =
        TestMaster.start(
            TestMaster.write(
                dir,
                "  unsafe_allow_api_audit_creation: true\n"
                    + "  audit:\n"
                    + "    - type: file\n"
                    + "      options: {file_path: audit/audit.log}\n"));
    api = master.client();
    root = master.initAndUnseal();
    port = URI.create(master.daemon().apiUrl()).getPort();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    master.daemon().close();
  }

  private String create(byte[] content) throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    ApiClient.Reply created =
        api.put("/v1/brine/cp", Map.of("size", content.length, "sha256", sha, "ttl", 60), root);
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(created.json().path("chunk_bytes").asInt()).isEqualTo(StagedFiles.RAW_CHUNK_BYTES);
    return created.json().path("id").asText();
  }

  private HttpResponse<String> putChunk(String id, long offset, byte[] bytes, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(master.daemon().apiUrl() + "/v1/brine/cp/" + id + "?offset=" + offset))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (token != null) {
      b.header("X-Vault-Token", token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String auditFile() throws IOException {
    return Files.readString(dir.resolve("audit/audit.log"));
  }

  @Test
  void rawChunksLargerThanTheRequestLimit_areStaged_eachAuditedWithoutItsBytes() throws Exception {
    byte[] content = new byte[StagedFiles.RAW_CHUNK_BYTES + 500_000];
    new Random(18).nextBytes(content);
    String id = create(content);
    int chunk = StagedFiles.RAW_CHUNK_BYTES;
    HttpResponse<String> first =
        putChunk(id, 0, java.util.Arrays.copyOfRange(content, 0, chunk), root);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> last =
        putChunk(id, chunk, java.util.Arrays.copyOfRange(content, chunk, content.length), root);
    assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
    // Complete: every byte in, and the master's hash of them matched the declared one.
    assertThat(ApiClient.JSON.readTree(last.body()).path("complete").asBoolean()).isTrue();

    // A file that is itself a JSON object: were the raw body parsed, its field would be recorded.
    byte[] json = "{\"cpMarkerField\":\"zz-staged-secret-zz\"}".getBytes(StandardCharsets.UTF_8);
    String small = create(json);
    assertThat(putChunk(small, 0, json, root).statusCode()).isEqualTo(200);

    List<JsonNode> chunkEntries = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit/audit.log"))) {
      JsonNode e = ApiClient.JSON.readTree(line);
      String path = e.path("request").path("path").asText();
      if (path.equals("brine/cp/" + id) || path.equals("brine/cp/" + small)) {
        chunkEntries.add(e);
      }
    }
    // One request and one response entry per chunk: the one request path, audited.
    assertThat(chunkEntries).hasSize(6);
    assertThat(chunkEntries).allMatch(e -> e.path("request").path("data").isMissingNode()
        || e.path("request").path("data").isNull());
    String file = auditFile();
    assertThat(file)
        .doesNotContain("cpMarkerField")
        .doesNotContain("zz-staged-secret-zz")
        .doesNotContain(master.daemon().audit().hash("file", "zz-staged-secret-zz"));
    String base64 = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(content, 48));
    assertThat(file).doesNotContain(base64).doesNotContain(HexFormat.of().formatHex(content, 0, 24));
  }

  /** Sends only the headers of a chunk request; the body is never sent. */
  private Socket headersOnly(String token, long length, int answerMillis) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    sockets.add(s);
    s.setSoTimeout(answerMillis);
    OutputStream out = s.getOutputStream();
    out.write(
        ("PUT /v1/brine/cp/" + NO_SUCH_ID + "?offset=0 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + (token == null ? "" : "X-Vault-Token: " + token + "\r\n")
                + "Content-Length: " + length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** The status line's code, or 0 when nothing came within the socket's timeout. */
  private static int status(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] line = new byte[12];
    int n = 0;
    try {
      while (n < line.length) {
        int r = in.read(line, n, line.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (SocketTimeoutException e) {
      return 0;
    }
    String text = new String(line, 0, n, StandardCharsets.US_ASCII);
    return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
  }

  @Test
  void withoutAToken_orOverTheChunkLimit_aLargeBodyIs413_beforeItIsSent() throws Exception {
    assertThat(status(headersOnly(null, StagedFiles.RAW_CHUNK_BYTES, 5000)))
        .as("no token: the API's own 64 KiB limit")
        .isEqualTo(413);
    assertThat(status(headersOnly(root, StagedFiles.RAW_CHUNK_BYTES + 1, 5000)))
        .as("a token, but more than a chunk")
        .isEqualTo(413);
  }

  @Test
  void madeUpTokens_holdAtMostTheBudget_andGiveItBackWhenTheyGo() throws Exception {
    // Each probe declares a whole chunk and sends none of it: one the gate let in holds its
    // share of the budget until the read deadline (30 s) or its connection closes.
    int capacity = OperatorApiInitializer.CP_CHUNKS_AT_ONCE;
    List<Socket> holders = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i <= capacity + 4 && refused == 0; i++) {
      // Short waits: all of them must be in well within the 30 s read deadline.
      Socket s = headersOnly("s.made-up-token", StagedFiles.RAW_CHUNK_BYTES, 500);
      int code = status(s);
      if (code == 503) {
        refused++;
      } else {
        assertThat(code).as("a holder is not answered before its body is in").isZero();
        holders.add(s);
      }
    }
    assertThat(refused).as("a 503 once the budget is held").isEqualTo(1);
    assertThat(holders).hasSizeGreaterThanOrEqualTo(capacity);
    for (Socket s : holders) {
      s.close();
    }
    // Given back: a whole chunk with a made-up token now reaches the token check.
    byte[] chunk = new byte[StagedFiles.RAW_CHUNK_BYTES];
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int code;
    do {
      code = putChunk(NO_SUCH_ID, 0, chunk, "s.made-up-token").statusCode();
    } while (code == 503 && System.nanoTime() < deadline);
    assertThat(code).isEqualTo(403);
  }
}
