package io.brine.minion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JidMemoryTest {
  /** A clock the test moves. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-11-23T09:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aJidIsRememberedOnce() {
    JidMemory m = new JidMemory(10, Duration.ofHours(1), new ManualClock());
    assertThat(m.remember("20261123090000000001")).isTrue();
    assertThat(m.remember("20261123090000000001")).isFalse();
    assertThat(m.remember("20261123090000000002")).isTrue();
  }

  @Test
  void atMostMaxEntries_theOldestGoFirst() {
    JidMemory m = new JidMemory(3, Duration.ofHours(1), new ManualClock());
    for (int i = 1; i <= 5; i++) {
      assertThat(m.remember("jid" + i)).isTrue();
    }
    assertThat(m.size()).isEqualTo(3);
    assertThat(m.remember("jid5")).isFalse();
    assertThat(m.remember("jid1")).as("forgotten, so new again").isTrue();
  }

  @Test
  void jidsOlderThanMaxAge_areForgotten() {
    ManualClock clock = new ManualClock();
    JidMemory m = new JidMemory(10_000, Duration.ofHours(1), clock);
    m.remember("old");
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    m.remember("young");
    assertThat(m.remember("old")).as("59 minutes: still known").isFalse();

    clock.now = clock.now.plus(Duration.ofMinutes(2));

    assertThat(m.remember("old")).as("61 minutes: forgotten").isTrue();
    assertThat(m.remember("young")).as("2 minutes").isFalse();
  }

  @Test
  void forget_letsAJidRunAgain() {
    JidMemory m = new JidMemory(10, Duration.ofHours(1), new ManualClock());
    m.remember("a");
    m.forget("a");
    assertThat(m.remember("a")).isTrue();
  }
}
