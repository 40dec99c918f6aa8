package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JidTest {
  private static final Instant T = Instant.parse("2026-11-23T09:15:47.123456789Z");

  private static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  @Test
  void formatsUtcToTheMicrosecond() {
    assertThat(Jid.next(at(T), new AtomicLong(Long.MIN_VALUE))).isEqualTo("20261123091547123456");
    assertThat(Jid.of(Instant.parse("0999-01-02T03:04:05Z"))).isEqualTo("09990102030405000000");
  }

  @Test
  void sameMicrosecondGivesTheNextMicrosecond() {
    AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    assertThat(Jid.next(at(T), last)).isEqualTo("20261123091547123456");
    assertThat(Jid.next(at(T), last)).isEqualTo("20261123091547123457");
    assertThat(Jid.next(at(T), last)).isEqualTo("20261123091547123458");
  }

  @Test
  void clockSteppingBackStillIncreases() {
    AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    assertThat(Jid.next(at(T), last)).isEqualTo("20261123091547123456");
    assertThat(Jid.next(at(T.minusSeconds(3600)), last)).isEqualTo("20261123091547123457");
    assertThat(Jid.next(at(T.plusSeconds(1)), last)).isEqualTo("20261123091548123456");
  }

  @Test
  void carriesAcrossSecondsAndDays() {
    AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    Instant endOfYear = Instant.parse("2026-12-31T23:59:59.999999Z");
    assertThat(Jid.next(at(endOfYear), last)).isEqualTo("20261231235959999999");
    assertThat(Jid.next(at(endOfYear), last)).isEqualTo("20270101000000000000");
  }

  @Test
  void processWideIdsAreUniqueAcrossThreads() throws Exception {
    Clock clock = at(T); // every thread sees the same microsecond
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    String jid = Jid.next(clock);
                    assertThat(Jid.isValid(jid)).isTrue();
                    seen.add(jid);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(8000);
  }

  @Test
  void processWideIdsIncrease() {
    String a = Jid.next(Clock.systemUTC());
    String b = Jid.next(Clock.systemUTC());
    assertThat(b).isGreaterThan(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"20261123091547123456", "20240229000000000000", "00010101000000000000"})
  void validIds(String jid) {
    assertThat(Jid.isValid(jid)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "2026112309154712345", // 19 digits
        "202611230915471234567", // 21 digits
        "2026112309154712345a",
        "20261123091547123456_1234", // Salt's unique_jid form
        "\u0662\u0660\u0662\u0666" + "1123091547123456", // Arabic-Indic digits
        "20260230000000000000", // 30 February
        "20250229000000000000", // not a leap year
        "20261323000000000000", // month 13
        "20261100000000000000", // day 0
        "20261123240000000000", // hour 24
        "20261123096000000000", // minute 60
        "20261123091560000000", // second 60
        "../../../etc/passwd0",
        " 0261123091547123456"
      })
  void invalidIds(String jid) {
    assertThat(Jid.isValid(jid)).isFalse();
  }

  @Test
  void toInstantIsTheIdsTime() {
    assertThat(Jid.toInstant("20261123091547123456"))
        .isEqualTo(Instant.parse("2026-11-23T09:15:47.123456Z"));
    assertThatThrownBy(() -> Jid.toInstant("20260230000000000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a job id");
  }
}
