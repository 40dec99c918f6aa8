package io.brine.minion.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AcceptanceWaitTest {

  @Test
  void withoutMax_theWaitStaysAtTheBase_plusJitter() {
    AcceptanceWait wait = new AcceptanceWait(Duration.ofSeconds(30), Duration.ZERO, new Random(1));
    for (int i = 0; i < 20; i++) {
      assertThat(wait.next()).isBetween(Duration.ofSeconds(30), Duration.ofMillis(37_500));
    }
  }

  @Test
  void withMax_theWaitDoublesUpToTheMax_andResetStartsOver() {
    AcceptanceWait wait =
        new AcceptanceWait(Duration.ofSeconds(10), Duration.ofSeconds(60), new Random(2));
    long[] bases = {10, 20, 40, 60, 60};
    for (long base : bases) {
      assertThat(wait.next())
          .isBetween(Duration.ofSeconds(base), Duration.ofMillis(base * 1250));
    }
    wait.reset();
    assertThat(wait.next()).isBetween(Duration.ofSeconds(10), Duration.ofMillis(12_500));
  }

  @Property(tries = 50)
  void jitter_spreadsAFleet(@ForAll @IntRange(min = 1, max = 1000) int seed) {
    // Two minions started together rarely wait exactly as long.
    AcceptanceWait a = new AcceptanceWait(Duration.ofSeconds(30), Duration.ZERO, new Random(seed));
    AcceptanceWait b =
        new AcceptanceWait(Duration.ofSeconds(30), Duration.ZERO, new Random(seed + 7919));
    assertThat(a.next()).isNotEqualTo(b.next());
  }

  @Test
  void badSettings_areRefused() {
    assertThatThrownBy(() -> new AcceptanceWait(Duration.ZERO, Duration.ZERO, new Random()))
        .hasMessageContaining("acceptance_wait_time must be positive");
    assertThatThrownBy(
            () -> new AcceptanceWait(Duration.ofSeconds(1), Duration.ofSeconds(-1), new Random()))
        .hasMessageContaining("must not be negative");
  }
}
