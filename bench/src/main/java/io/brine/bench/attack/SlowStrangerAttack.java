package io.brine.bench.attack;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Issue 14 §4: strangers that connect and hold still on the minion port, or send an API request's
 * headers one byte a second, never ending (a slowloris). Each must be closed at its deadline
 * however often it sends; beyond the per-address cap, as it is accepted. ({@link TrickleAttack}
 * trickles a frame.)
 */
final class SlowStrangerAttack implements Attack {
  /** What the stranger does once connected. */
  enum Mode {
    /** Nothing, on the minion port: closed at {@code hello_timeout}. */
    IDLE("idle stranger"),
    /** Request headers that never end, a byte a second: closed at {@code http_read_header_timeout}. */
    SLOWLORIS("API slowloris");

    final String attack;

    Mode(String attack) {
      this.attack = attack;
    }
  }

  private static final byte[] ENDLESS_HEADERS =
      ("GET /v1/sys/seal-status HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(4000))
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Mode mode;
  private final Outcomes outcomes;
  private final SoakTarget target;
  private final InetAddress from;

  SlowStrangerAttack(Mode mode, SoakTarget target, InetAddress from) {
    this.mode = mode;
    this.outcomes = new Outcomes(mode.attack);
    this.target = target;
    this.from = from;
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    boolean idle = mode == Mode.IDLE;
    InetSocketAddress to = idle ? target.minionPort() : target.api();
    Duration timeout = idle ? target.timeouts().hello() : target.timeouts().httpReadHeader();
    target
        .held()
        .connectAndHold(
            from,
            to,
            null,
            outcomes,
            timeout,
            Strangers.byTime(
                timeout,
                "answered, then closed",
                "refused (closed at accept)",
                "closed at " + (idle ? "hello_timeout" : "http_read_header_timeout")),
            idle ? null : ENDLESS_HEADERS);
  }
}
