package io.brine.minion.jobs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minion's durable memory of the jobs it ran, on real files in a temp folder: what survives a
 * restart and a torn write, what is forgotten and why forgetting never lets a job run twice.
 */
class JidMemoryTest {
  private static final Duration MAX_AGE = Duration.ofMinutes(5);
  private static final String ALREADY = "it has already run here";
  private static final String BEFORE_FLOOR = "before the oldest job this minion still remembers";

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

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();

  private Path file() {
    return dir.resolve(JidMemory.FILE);
  }

  private JidMemory open(int maxEntries) throws IOException {
    return JidMemory.open(file(), MAX_AGE, maxEntries, clock);
  }

  private static String jid(int i) {
    return String.format("20261123090000%06d", i);
  }

  @Test
  void aRecordedJid_isRefused_beforeAndAfterARestart() throws Exception {
    Instant published = clock.now;
    try (JidMemory m = open(100)) {
      assertThat(m.refusal(jid(1), published)).isNull();
      m.record(jid(1), published);
      assertThat(m.refusal(jid(1), published)).isEqualTo(ALREADY);
      assertThat(m.refusal(jid(2), published)).as("another jid").isNull();
    }

    clock.advance(Duration.ofSeconds(30));
    try (JidMemory reopened = open(100)) {
      assertThat(reopened.refusal(jid(1), published)).isEqualTo(ALREADY);
      assertThat(reopened.refusal(jid(2), published)).isNull();
    }
  }

  @Test
  void theTimeWindow_isTheMaxAgeBack_andTheSkewAhead() throws Exception {
    try (JidMemory m = open(100)) {
      clock.advance(Duration.ofMinutes(10)); // past what a new memory refuses
      Instant now = clock.now;
      assertThat(m.refusal(jid(1), now.minus(MAX_AGE))).isNull();
      assertThat(m.refusal(jid(1), now.plus(JidMemory.MAX_CLOCK_SKEW))).isNull();

      assertThat(m.refusal(jid(1), now.minus(MAX_AGE).minusMillis(1)))
          .isEqualTo("it was published 300.001 s ago, longer than publish_max_age (300 s)");
      assertThat(m.refusal(jid(1), now.plus(JidMemory.MAX_CLOCK_SKEW).plusMillis(1)))
          .isEqualTo(
              "it was published 60.001 s ahead of this minion's clock, more than the 60 s allowed"
                  + " (are both clocks set by NTP?)");
    }
  }

  @Test
  void aNewMemory_refusesWhatWasPublishedMoreThanTheSkewBeforeItStarted() throws Exception {
    try (JidMemory m = open(100)) {
      assertThat(m.refusal(jid(1), clock.now.minusSeconds(61))).contains(BEFORE_FLOOR);
      assertThat(m.refusal(jid(1), clock.now.minusSeconds(59))).isNull();
    }
  }

  @Test
  void aTornLastLine_isCut_andTheEntriesBeforeItAreKept() throws Exception {
    Instant published = clock.now;
    try (JidMemory m = open(100)) {
      m.record(jid(1), published);
    }
    // kill -9 in the middle of the next append: half a line, no newline.
    Files.writeString(file(), jid(2).substring(0, 9), US_ASCII, StandardOpenOption.APPEND);

    try (JidMemory reopened = open(100)) {
      assertThat(reopened.refusal(jid(1), published)).isEqualTo(ALREADY);
      assertThat(reopened.refusal(jid(2), published))
          .as("its entry was never synced, so its job never started")
          .isNull();
      assertThat(reopened.size()).isEqualTo(1);
      reopened.record(jid(3), published);
    }
    String text = Files.readString(file(), US_ASCII);
    assertThat(text).endsWith("\n").doesNotContain(jid(2).substring(0, 9) + jid(3));
    assertThat(text.lines()).hasSize(3).contains(jid(1) + " " + published.toEpochMilli());
  }

  @Test
  void aDamagedLine_refusesEverythingPublishedBeforeThisStartAndTheSkew() throws Exception {
    try (JidMemory m = open(100)) {
      m.record(jid(1), clock.now);
    }
    Files.writeString(
        file(), "this is no entry\n", US_ASCII, StandardOpenOption.APPEND);

    try (JidMemory reopened = open(100)) {
      assertThat(reopened.refusal(jid(2), clock.now)).contains(BEFORE_FLOOR);
      assertThat(reopened.refusal(jid(2), clock.now.plus(JidMemory.MAX_CLOCK_SKEW)))
          .contains(BEFORE_FLOOR);
      clock.advance(JidMemory.MAX_CLOCK_SKEW.plusSeconds(1));
      assertThat(reopened.refusal(jid(2), clock.now)).as("published after it").isNull();
    }
    assertThat(Files.readString(file(), US_ASCII)).doesNotContain("this is no entry");
  }

  @Test
  void jidsOlderThanMaxAge_areForgotten_butTheFloorStillRefusesThem_evenWithTheClockSetBack()
      throws Exception {
    Instant old = clock.now;
    try (JidMemory m = open(100)) {
      m.record(jid(1), old);
      clock.advance(MAX_AGE.plusSeconds(1));
      m.record(jid(2), clock.now);

      assertThat(m.size()).as("jid 1 is older than the bound").isEqualTo(1);
      assertThat(m.remembers(jid(1))).isFalse();
      assertThat(m.refusal(jid(1), old)).startsWith("it was published 301 s ago");
    }
    try (JidMemory reopened = open(100)) {
      assertThat(Files.readString(file(), US_ASCII)).doesNotContain(jid(1));
      clock.now = old; // the clock set back by an operator or a spoofed NTP server

      assertThat(reopened.refusal(jid(1), old)).contains(BEFORE_FLOOR);
    }
  }

  @Test
  void atTheCap_theOldestIsForgotten_andRefusedByTheFloor_soTheCapReopensNoReplay()
      throws Exception {
    try (JidMemory m = open(3)) {
      for (int i = 1; i <= 5; i++) {
        m.record(jid(i), clock.now.plusMillis(i));
      }
      assertThat(m.size()).isEqualTo(3);
      assertThat(m.remembers(jid(1))).isFalse();

      assertThat(m.refusal(jid(1), clock.now.plusMillis(1))).contains(BEFORE_FLOOR);
      assertThat(m.refusal(jid(2), clock.now.plusMillis(2))).contains(BEFORE_FLOOR);
      assertThat(m.refusal(jid(5), clock.now.plusMillis(5))).isEqualTo(ALREADY);
      assertThat(m.refusal(jid(6), clock.now.plusMillis(6))).as("a newer job runs").isNull();
    }
    try (JidMemory reopened = open(3)) {
      assertThat(reopened.refusal(jid(2), clock.now.plusMillis(2))).contains(BEFORE_FLOOR);
      assertThat(reopened.refusal(jid(3), clock.now.plusMillis(3))).isEqualTo(ALREADY);
    }
  }

  @Test
  void theFile_staysBounded_byTheCapAndTheCompactionSlack() throws Exception {
    int cap = 10;
    try (JidMemory m = open(cap)) {
      int records = JidMemory.COMPACT_SLACK + 100; // one rewrite, and a hundred appends after it
      long lineBytes = jid(0).length() + 1 + 13 + 1;
      for (int i = 1; i <= records; i++) {
        m.record(jid(i), clock.now.plusMillis(i));
        assertThat(Files.size(file()))
            .isLessThanOrEqualTo((1 + cap + JidMemory.COMPACT_SLACK + 1) * lineBytes);
      }
      assertThat(m.size()).isEqualTo(cap);
      assertThat(Files.readAllLines(file(), US_ASCII).size())
          .as("rewritten once: the floor, the live entries, what came after")
          .isLessThan(1 + cap + 100);
    }
  }

  @Test
  void aLinkWhereTheFileShouldBe_failsTheOpen() throws Exception {
    Path target = Files.writeString(dir.resolve("elsewhere"), "floor 0\n");
    Files.createSymbolicLink(file(), target);

    assertThatThrownBy(() -> open(100))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a regular file");
  }

  @Test
  void theFile_isPrivate() throws Exception {
    try (JidMemory m = JidMemory.open(dir.resolve("cache"), MAX_AGE, clock)) {
      m.record(jid(1), clock.now);
      assertThat(Files.getPosixFilePermissions(m.file()))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE);
    }
  }
}
