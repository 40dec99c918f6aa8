package io.brine.master.api;

import static io.brine.master.api.ShareRefusalLimiter.Verdict.ANSWER;
import static io.brine.master.api.ShareRefusalLimiter.Verdict.LIMITED;
import static io.brine.master.api.ShareRefusalLimiter.Verdict.NOW_LIMITED;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-address allowance of refused unseal shares, on a clock the test moves. */
class ShareRefusalLimiterTest {
  private static final long REFILL = TimeUnit.SECONDS.toNanos(6);

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final ShareRefusalLimiter limiter = new ShareRefusalLimiter(10, REFILL, 4, now::get);

  private static InetAddress ip(String a) throws Exception {
    return InetAddress.getByName(a);
  }

  @Test
  void tenRefusalsAreAnswered_thenOneLimitedLine_thenSilence() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.refused(a)).as("refusal %d", i + 1).isEqualTo(ANSWER);
    }
    assertThat(limiter.limited(a)).isTrue();
    assertThat(limiter.refused(a)).isEqualTo(NOW_LIMITED);
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.refused(a)).isEqualTo(LIMITED);
    }
    assertThat(limiter.retryAfterSeconds(a)).isEqualTo(6);
  }

  @Test
  void oneRefusalComesBackPerRefillInterval() throws Exception {
    InetAddress a = ip("192.0.2.1");
    for (int i = 0; i < 11; i++) {
      limiter.refused(a);
    }
    now.addAndGet(REFILL - 1);
    assertThat(limiter.refused(a)).isEqualTo(LIMITED);
    now.addAndGet(1);
    assertThat(limiter.limited(a)).isFalse();
    assertThat(limiter.refused(a)).isEqualTo(ANSWER);
    assertThat(limiter.refused(a)).as("announced again: a new burst").isEqualTo(NOW_LIMITED);
  }

  @Test
  void anotherAddress_isUnaffected() throws Exception {
    for (int i = 0; i < 20; i++) {
      limiter.refused(ip("192.0.2.1"));
    }
    assertThat(limiter.limited(ip("192.0.2.2"))).isFalse();
    assertThat(limiter.refused(ip("192.0.2.2"))).isEqualTo(ANSWER);
  }

  @Test
  void theTableIsCapped_newcomersShareOneBucket_andLimitedAddressesAreNotEvicted()
      throws Exception {
    for (int i = 0; i < 11; i++) {
      limiter.refused(ip("192.0.2.1"));
    }
    for (int host = 2; host < 1000; host++) {
      limiter.refused(ip("198.51." + (host / 256) + "." + (host % 256)));
    }
    assertThat(limiter.trackedAddresses()).isEqualTo(4);
    assertThat(limiter.limited(ip("192.0.2.1"))).as("not evicted by the crowd").isTrue();
    assertThat(limiter.refused(ip("203.0.113.9")))
        .as("a newcomer beyond the cap shares the crowd's exhausted bucket")
        .isEqualTo(LIMITED);
  }

  @Test
  void refilledAddressesAreForgotten() throws Exception {
    for (int host = 1; host <= 4; host++) {
      limiter.refused(ip("192.0.2." + host));
    }
    now.addAndGet(REFILL);
    assertThat(limiter.refused(ip("192.0.2.200"))).isEqualTo(ANSWER);
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
  }

  @Test
  void ipv6_countsPerSlash64() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.refused(ip("2001:db8:1:2::" + Integer.toHexString(i + 1))))
          .isEqualTo(ANSWER);
    }
    assertThat(limiter.limited(ip("2001:db8:1:2:ffff::1"))).isTrue();
    assertThat(limiter.limited(ip("2001:db8:1:3::1"))).isFalse();
  }
}
