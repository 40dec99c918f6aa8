package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.master.MasterDaemon;
import io.brine.master.testing.TestMaster;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, part 4, against a real master's operator API over loopback: a slowloris (one byte at a
 * time) is closed when its request's deadline passes however often it sends, an idle kept-alive
 * connection is closed, and connections beyond the caps (in all, per address) are refused at
 * accept, each cause in one log line, while operators' requests are answered throughout. The
 * limits are small here so the attacks stay a few seconds long; none is a timing assertion, only
 * bounded waits for a connection to be closed.
 */
class ApiResourceLimitsTest {
  private static final int HEADER_SECONDS = 2;
  private static final int READ_SECONDS = 3;
  private static final int IDLE_SECONDS = 2;
  private static final int MAX_CONNECTIONS = 12;
  private static final int PER_ADDRESS = 5;

  /** Longer than every deadline above, so a wait that ends here means "never closed". */
  private static final int GIVE_UP_MILLIS = 12_000;

  @TempDir Path dir;

  private MasterDaemon master;
  private final List<Socket> sockets = new ArrayList<>();
  private final Logger serverLog = (Logger) LoggerFactory.getLogger("io.brine.master.api");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    logged.start();
    serverLog.addAppender(logged);
    serverLog.setLevel(Level.INFO);
    master =
        TestMaster.start(
                TestMaster.write(
                    dir,
                    "  http_read_header_timeout: "
                        + HEADER_SECONDS
                        + "\n  http_read_timeout: "
                        + READ_SECONDS
                        + "\n  http_idle_timeout: "
                        + IDLE_SECONDS
                        + "\n  api_max_connections: "
                        + MAX_CONNECTIONS
                        + "\n  api_max_connections_per_address: "
                        + PER_ADDRESS
                        + "\n"))
            .daemon();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    master.close();
    serverLog.detachAppender(logged);
    serverLog.setLevel(null);
  }

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress("127.0.0.1", master.apiPort()), 5_000);
    return s;
  }

  /** True once the server has closed {@code s} (end of stream or reset), false if it is open. */
  private static boolean closedByServer(Socket s, int waitMillis) throws IOException {
    s.setSoTimeout(waitMillis);
    InputStream in = s.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private long lines(String text) {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(text))
        .count();
  }

  /** An operator's request from 127.0.0.1, on its own connection, closed after the answer. */
  private void operatorIsAnswered() throws Exception {
    try (Socket s = new Socket("127.0.0.1", master.apiPort())) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              "GET /v1/sys/seal-status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 200 ");
    }
  }

  // Before: Netty's ReadTimeoutHandler(30) restarted at every byte, so these were never closed.
  @Test
  void slowloris_oneByteAtATime_isClosedAtItsDeadline_andTheApiAnswersThroughout()
      throws Exception {
    byte[] start =
        "GET /v1/sys/seal-status HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < PER_ADDRESS; i++) {
      slow.add(connect("127.0.0.2"));
    }
    // One byte per connection every 300 ms or so, a header that never ends: a hundred times more
    // often than the old per-byte timeout (30 s) needed to never fire.
    boolean[] closed = new boolean[slow.size()];
    int open = slow.size();
    long giveUp = System.nanoTime() + GIVE_UP_MILLIS * 1_000_000L;
    for (int b = 0; open > 0 && System.nanoTime() < giveUp; b++) {
      for (int i = 0; i < slow.size(); i++) {
        if (!closed[i]) {
          try {
            slow.get(i).getOutputStream().write(b < start.length ? start[b] : 'a');
          } catch (IOException e) {
            closed[i] = true;
            open--;
          }
        }
      }
      for (int i = 0; i < slow.size(); i++) {
        if (!closed[i] && closedByServer(slow.get(i), 40)) {
          closed[i] = true;
          open--;
        }
      }
      operatorIsAnswered();
      Thread.sleep(100);
    }

    assertThat(open).as("slow connections still open after the whole request's time").isZero();
    assertThat(lines("too slow to send its request")).isBetween(1L, 2L);
    operatorIsAnswered();
  }

  @Test
  void aBodyThatTrickles_isClosedAtTheWholeRequestsDeadline() throws Exception {
    Socket s = connect("127.0.0.1");
    s.getOutputStream()
        .write(
            "PUT /v1/sys/unseal HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII));
    long deadline = System.nanoTime() + GIVE_UP_MILLIS * 1_000_000L;
    boolean closed = false;
    while (!closed && System.nanoTime() < deadline) {
      try {
        s.getOutputStream().write(' ');
      } catch (IOException e) {
        closed = true;
        break;
      }
      closed = closedByServer(s, 250);
    }

    assertThat(closed).as("a trickling body closed within " + GIVE_UP_MILLIS + " ms").isTrue();
    operatorIsAnswered();
    assertThat(lines("no whole request within " + READ_SECONDS + " s")).isEqualTo(1);
    assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.WARN))
        .as("one line for the slow connection, nothing else")
        .hasSize(1);
  }

  @Test
  void aKeptAliveConnection_isClosedWhenIdle_afterItsAnswer() throws Exception {
    Socket s = connect("127.0.0.1");
    s.getOutputStream()
        .write("GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] head = new byte[12];
    s.setSoTimeout(5_000);
    assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
    assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 ");

    assertThat(closedByServer(s, GIVE_UP_MILLIS)).as("closed after http_idle_timeout").isTrue();
  }

  @Test
  void connectionsBeyondTheCaps_areRefusedAtAccept_withOneLinePerCause() throws Exception {
    // Per address: PER_ADDRESS held from 127.0.0.3, then 20 more from it are closed at once.
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < PER_ADDRESS; i++) {
      held.add(connect("127.0.0.3"));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(closedByServer(connect("127.0.0.3"), 5_000)).as("refused per address").isTrue();
    }
    assertThat(closedByServer(held.get(0), 200)).as("the held ones stay").isFalse();
    operatorIsAnswered();

    // In all: fill to MAX_CONNECTIONS from other addresses; one more from a fresh one is refused.
    for (int i = held.size(); i < MAX_CONNECTIONS; i++) {
      held.add(connect("127.0.0." + (4 + i / PER_ADDRESS)));
    }
    assertThat(closedByServer(held.get(held.size() - 1), 200)).isFalse();
    for (int i = 0; i < 20; i++) {
      assertThat(closedByServer(connect("127.0.1.1"), 5_000)).as("refused in all").isTrue();
    }

    // One closes: a connection fits again and is answered.
    held.get(0).close();
    Socket again = null;
    for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; ) {
      Socket s = connect("127.0.1.1");
      if (!closedByServer(s, 200)) {
        again = s;
        break;
      }
    }
    assertThat(again).as("a connection accepted once one closed").isNotNull();
    again
        .getOutputStream()
        .write(
            "GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    again.setSoTimeout(5_000);
    assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 ");

    assertThat(lines("api_max_connections_per_address (" + PER_ADDRESS + ")")).isEqualTo(1);
    assertThat(lines("api_max_connections (" + MAX_CONNECTIONS + ")")).isEqualTo(1);
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  /**
   * Found in review: a few addresses holding every connection as idle keep-alives (one request
   * each, then nothing) kept every operator out until the idle timeout, and could renew the hold
   * with one request per connection every few minutes. At the total cap an idle connection now
   * makes room for the new one; connections busy with a request keep their place.
   */
  @Test
  void atTheTotalCap_anIdleKeptAliveConnection_makesRoomForAnOperator() throws Exception {
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      Socket s = connect("127.0.0." + (20 + i / PER_ADDRESS));
      idle.add(s);
      s.getOutputStream()
          .write("GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(5_000);
      byte[] head = new byte[12];
      assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12); // answered: now idle
    }

    operatorIsAnswered(); // before: refused at accept, every operator locked out
    operatorIsAnswered();

    // Checked at once, well inside http_idle_timeout: the newest idle one is still there, and the
    // one idle longest was closed to make room (the first operator's connection, closed after its
    // answer, left room for the second).
    assertThat(closedByServer(idle.get(idle.size() - 1), 50)).as("the newest stays").isFalse();
    assertThat(closedByServer(idle.get(0), 1_000)).as("the longest idle made room").isTrue();
  }
}
