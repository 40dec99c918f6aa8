package io.brine.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The per-address leaky bucket, on a clock the test moves. */
class TokenFailuresTest {
  private long now = 1_000_000;
  private final TokenFailures failures = new TokenFailures(() -> now);

  private static InetAddress address(int i) throws Exception {
    return InetAddress.getByAddress(
        new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void aBurst_thenOneAttemptPerSecond() throws Exception {
    InetAddress a = address(1);
    for (int i = 0; i < TokenFailures.BURST; i++) {
      assertThat(failures.throttled(a)).as("failure %d", i).isFalse();
      failures.failed(a);
    }
    assertThat(failures.throttled(a)).isTrue();
    assertThat(failures.throttled(address(2))).as("another address").isFalse();

    now += TokenFailures.REFILL_MILLIS / 2;
    assertThat(failures.throttled(a)).isTrue();
    now += TokenFailures.REFILL_MILLIS / 2;
    assertThat(failures.throttled(a)).as("a second later: one more try").isFalse();
    failures.failed(a);
    assertThat(failures.throttled(a)).isTrue();

    now += TokenFailures.REFILL_MILLIS * TokenFailures.BURST;
    assertThat(failures.throttled(a)).isFalse();
    assertThat(failures.addresses()).as("a drained address is forgotten").isZero();
  }

  @Test
  void theTableIsBounded_theLeastRecentlyFailedGoesFirst() throws Exception {
    for (int i = 0; i < TokenFailures.MAX_ADDRESSES + 500; i++) {
      failures.failed(address(i));
    }
    assertThat(failures.addresses()).isEqualTo(TokenFailures.MAX_ADDRESSES);
  }
}
