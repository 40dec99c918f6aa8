package io.brine.minion.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  @Test
  void next_doublesFromOneSecondToTheMaximum_withUpToAQuarterOfJitter() {
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(10), new Random(7));
    long[] bases = {1, 2, 4, 8, 10, 10};
    for (long base : bases) {
      Duration wait = backoff.next();
      assertThat(wait)
          .isBetween(Duration.ofSeconds(base), Duration.ofSeconds(base).plusMillis(base * 250));
    }
  }

  @Test
  void reset_startsAgainAtOneSecond() {
    ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(60), new Random(7));
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    assertThat(backoff.next()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1250));
  }

  @Test
  void maximumBelowOneSecond_isRefused() {
    assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofMillis(500), new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
