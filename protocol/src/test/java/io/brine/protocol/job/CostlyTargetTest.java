package io.brine.protocol.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.brine.protocol.IdGlob;
import io.brine.protocol.MinionId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Targets whose regex (or glob turned regex) backtracks catastrophically on a long id or grain
 * value: each gives up as no match instead of holding the thread. Without the bound these run for
 * hours (60 characters to the 12th power, or 64 KiB to the 8th); the timeout only stops a broken build from
 * hanging, it measures nothing.
 */
class CostlyTargetTest {
  private static final Duration HANG = Duration.ofSeconds(60);
  private static final MinionId LONG_ID = MinionId.of("a".repeat(60));
  private static final Map<String, ?> LONG_GRAIN = Map.of("os", "a".repeat(60_000));

  @Test
  void nestedQuantifierOnTheIdIsNoMatch() throws Exception {
    Target t = Target.of("pcre", "(.*a){12}b");
    assertTimeoutPreemptively(HANG, () -> assertThat(t.matches(LONG_ID)).isFalse());
  }

  @Test
  void nestedQuantifierInACompoundIsNoMatch() throws Exception {
    Target t = Target.of("compound", "E@(.*a){12}b or G@os:Debian");
    assertTimeoutPreemptively(
        HANG, () -> assertThat(t.matches(LONG_ID, () -> Map.of("os", "Debian"))).isTrue());
  }

  @Test
  void grainRegexOnALongValueIsNoMatch() throws Exception {
    Target t = Target.of("grain_pcre", "os:(a+)+b");
    assertTimeoutPreemptively(
        HANG, () -> assertThat(t.matches(MinionId.of("m1"), () -> LONG_GRAIN)).isFalse());
  }

  @Test
  void globOfManyStarsOnALongGrainIsNoMatch() throws Exception {
    Target t = Target.of("grain", "os:*a*a*a*a*a*a*a*a*b");
    assertTimeoutPreemptively(
        HANG, () -> assertThat(t.matches(MinionId.of("m1"), () -> LONG_GRAIN)).isFalse());
  }

  @Test
  void globOfManyStarsOnALongIdIsNoMatch() {
    IdGlob glob = IdGlob.of("*a*a*a*a*a*a*a*a*a*a*a*a*b");
    assertTimeoutPreemptively(
        HANG, () -> assertThat(glob.matches("a".repeat(250))).isFalse());
  }

  @Test
  void ordinaryTargetsStillMatchLongValues() throws Exception {
    assertThat(Target.of("grain", "os:*a*").matches(MinionId.of("m1"), () -> LONG_GRAIN)).isTrue();
    assertThat(Target.of("grain_pcre", "os:a+$").matches(MinionId.of("m1"), () -> LONG_GRAIN))
        .isTrue();
    assertThat(Target.of("pcre", "a{60}$").matches(LONG_ID)).isTrue();
  }
}
