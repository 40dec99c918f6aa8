package io.brine.bench.attack;

import io.brine.protocol.wire.MessageType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Issue 14 §4: strangers that connect and hold still, or trickle a frame (on the minion port) or
 * a request's headers (on the API, a slowloris) one byte a second. Each must be closed at its
 * deadline however often it sends; beyond the per-address cap, as it is accepted.
 */
final class SlowStrangerAttack implements Attack {
  /** What the stranger does once connected. */
  enum Mode {
    /** Nothing, on the minion port: closed at {@code hello_timeout}. */
    IDLE("idle stranger"),
    /** A HELLO one byte a second: closed at {@code partial_frame_timeout} of its first byte. */
    TRICKLE("trickled frame"),
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
  private final byte[] frame;

  /** @param hello a HELLO body to trickle in {@link Mode#TRICKLE} */
  SlowStrangerAttack(Mode mode, SoakTarget target, InetAddress from, byte[] hello) {
    this.mode = mode;
    this.outcomes = new Outcomes(mode.attack);
    this.target = target;
    this.from = from;
    this.frame = RawFrames.frame(MessageType.HELLO, hello);
  }

  @Override
  public Outcomes outcomes() {
    return outcomes;
  }

  @Override
  public void attempt() throws Exception {
    InetSocketAddress to = mode == Mode.SLOWLORIS ? target.api() : target.minionPort();
    Duration timeout =
        switch (mode) {
          case IDLE -> target.timeouts().hello();
          case TRICKLE -> target.timeouts().partialFrame();
          case SLOWLORIS -> target.timeouts().httpReadHeader();
        };
    String deadline =
        switch (mode) {
          case IDLE -> "hello_timeout";
          case TRICKLE -> "partial_frame_timeout";
          case SLOWLORIS -> "http_read_header_timeout";
        };
    byte[] trickle =
        switch (mode) {
          case IDLE -> null;
          case TRICKLE -> frame;
          case SLOWLORIS -> ENDLESS_HEADERS;
        };
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
                "closed at " + deadline),
            trickle);
  }
}
