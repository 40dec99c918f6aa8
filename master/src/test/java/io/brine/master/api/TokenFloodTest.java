package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.TestMaster;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, part 5: 20,000 wrong tokens in 2.5 s were checked, every one, and left no log line.
 * Here a real, unsealed master takes a flood of well-formed wrong tokens over loopback, pipelined on
 * one connection: past the burst they are answered 429 without a check, two log lines say what
 * happened (never a token), another address is not slowed, and the operator's own token works
 * again from the flooded address once the flood stops.
 */
class TokenFloodTest {
  private static final int FLOOD = 3_000;
  private static final int DEPTH = 100;
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  @TempDir Path dir;

  private MasterDaemon master;
  private String rootToken;
  private final Logger apiLog = (Logger) LoggerFactory.getLogger(OperatorApi.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final List<String> wrongTokens = new ArrayList<>();

  @BeforeEach
  void unsealedMaster() throws Exception {
    logged.start();
    apiLog.addAppender(logged);
    apiLog.setLevel(Level.INFO);
    master = TestMaster.start(TestMaster.shamir(dir)).daemon();
    InitResult init = master.vault().initialize(new InitRequest(1, 1, 0, 0));
    master.vault().submitUnsealKey(init.keys().get(0), false);
    rootToken = init.rootToken();
  }

  @AfterEach
  void stop() {
    master.close();
    apiLog.detachAppender(logged);
    apiLog.setLevel(null);
  }

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** A token of the root token's shape (prefix and length), so each one is looked up. */
  private String wrongToken() {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder("s.");
    for (int i = 0; i < 32; i++) {
      token.append(BASE62.charAt(random.nextInt(BASE62.length())));
    }
    wrongTokens.add(token.toString());
    return token.toString();
  }

  /**
   * One request per token on one connection from {@code from}, pipelined {@value #DEPTH} at a time
   * (Netty refuses deeper pipelines): their statuses, in order.
   */
  private List<Integer> pipelined(String from, List<String> tokens) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(new InetSocketAddress("127.0.0.1", master.apiPort()), 5_000);
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      List<Integer> statuses = new ArrayList<>();
      StringBuilder answers = new StringBuilder();
      byte[] buffer = new byte[64 * 1024];
      for (int from0 = 0; from0 < tokens.size(); from0 += DEPTH) {
        int to = Math.min(tokens.size(), from0 + DEPTH);
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = from0; i < to; i++) {
          requests.writeBytes(
              ("GET /v1/brine/keys HTTP/1.1\r\nHost: x\r\nX-Vault-Token: "
                      + tokens.get(i)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
        }
        s.getOutputStream().write(requests.toByteArray());
        while (statuses.size() < to) {
          int n = in.read(buffer);
          if (n < 0) {
            return statuses;
          }
          answers.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
          Matcher m = STATUS.matcher(answers);
          int end = 0;
          while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
            end = m.end();
          }
          answers.delete(0, end);
        }
      }
      return statuses;
    }
  }

  private List<String> wrong(int n) {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tokens.add(wrongToken());
    }
    return tokens;
  }

  private long lines(String text) {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(text))
        .count();
  }

  @Test
  void aFloodOfWrongTokens_isSlowedPerAddress_loggedInTwoLines_andNeverShowsAToken()
      throws Exception {
    List<Integer> flood = pipelined("127.0.0.2", wrong(FLOOD));

    assertThat(flood).hasSize(FLOOD).containsOnly(403, 429);
    assertThat(flood.subList(0, TokenFailures.BURST)).containsOnly(403);
    assertThat(flood.stream().filter(c -> c == 429).count())
        .as("answered without a check")
        .isGreaterThan(FLOOD / 2);
    assertThat(lines("operator API: token refused from 127.0.0.2 for GET /v1/brine/keys"))
        .isEqualTo(1);
    assertThat(lines("answered 429 without checking the token")).isEqualTo(1);

    // Another address is not slowed by it: its valid token works at once.
    assertThat(pipelined("127.0.0.3", List.of(rootToken))).containsExactly(200);

    // The flooded address gets its turn back once the bucket has leaked (about a second).
    int status = 0;
    for (long end = System.nanoTime() + 15_000_000_000L;
        status != 200 && System.nanoTime() < end; ) {
      status = pipelined("127.0.0.2", List.of(rootToken)).get(0);
      if (status != 200) {
        Thread.sleep(200);
      }
    }
    assertThat(status).isEqualTo(200);

    for (ILoggingEvent e : logged.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(rootToken);
      for (String token : wrongTokens) {
        assertThat(e.getFormattedMessage()).doesNotContain(token.substring(4));
      }
    }
  }

  @Test
  void aMissingToken_isLoggedWithoutCountingAgainstTheAddress() throws Exception {
    try (Socket s = new Socket("127.0.0.1", master.apiPort())) {
      s.setSoTimeout(10_000);
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        many.append("GET /v1/brine/keys HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      many.append("GET /v1/brine/keys HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      s.getOutputStream().write(many.toString().getBytes(StandardCharsets.US_ASCII));
      String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answers.split("HTTP/1.1 403 ", -1)).hasSize(52);
    }

    assertThat(lines("token refused from 127.0.0.1 for GET /v1/brine/keys (no token given)"))
        .isEqualTo(1);
    assertThat(pipelined("127.0.0.1", List.of(rootToken))).containsExactly(200);
  }
}
