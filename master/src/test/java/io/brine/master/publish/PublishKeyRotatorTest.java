package io.brine.master.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.protocol.publish.PublishKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rotations by row of the seed's table: at start, by timer, soon after a removal, on demand. */
class PublishKeyRotatorTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private PublishKeyRotator rotator(Duration session, Duration grace) {
    PublishKeyRotator r = new PublishKeyRotator(session, grace, timer);
    r.addListener((key, reason) -> heard.add(key.epoch() + " " + reason));
    return r;
  }

  @Test
  void start_makesANewKey_everyTime() {
    try (PublishKeyRotator first = rotator(Duration.ofHours(24), Duration.ofSeconds(30));
        PublishKeyRotator second = rotator(Duration.ofHours(24), Duration.ofSeconds(30))) {
      PublishKey a = first.start();
      PublishKey b = second.start();
      assertThat(a.key().secret().equalsInConstantTime(b.key().secret())).isFalse();
      assertThat(heard).hasSize(2).allSatisfy(h -> assertThat(h).endsWith("master start"));
    }
  }

  @Test
  void rotateNow_growsTheEpoch_andKeepsThePreviousKeyAliveForTheGrace() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofHours(1))) {
      PublishKey first = r.start();
      PublishKey second = r.rotateNow("brine key --rotate");

      assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
      assertThat(r.current()).isSameAs(second);
      assertThat(first.isDestroyed()).as("an encryption in flight may still use it").isFalse();
      assertThat(heard).last().isEqualTo(second.epoch() + " brine key --rotate");
    }
  }

  @Test
  void aSecondRotation_endsTheOlderKeysGrace_andDestroysIt() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofHours(1))) {
      PublishKey first = r.start();
      r.rotateNow("one");
      r.rotateNow("two");
      assertThat(first.isDestroyed()).isTrue();
    }
  }

  @Test
  void retiredKey_isDestroyedAfterTheGrace() throws Exception {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ZERO)) {
      PublishKey first = r.start();
      r.rotateNow("key deleted");
      awaitTrue(() -> first.isDestroyed());
    }
  }

  @Test
  void markCompromised_manyTimes_theNextSealingKeyRotatesOnce_andNeverReturnsAMarkedKey() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofSeconds(30))) {
      PublishKey first = r.start();
      for (int i = 0; i < 50; i++) {
        r.markCompromised("key for minion m" + i + " deleted");
      }
      assertThat(r.isCompromised(first)).isTrue();
      assertThat(r.current()).as("marking alone does not rotate").isSameAs(first);

      PublishKey sealing = r.sealingKey().orElseThrow();
      PublishKey again = r.sealingKey().orElseThrow();

      assertThat(sealing.epoch()).isEqualTo(first.epoch() + 1);
      assertThat(again).isSameAs(sealing);
      assertThat(r.isCompromised(sealing)).isFalse();
      assertThat(heard).hasSize(2).last().isEqualTo(sealing.epoch() + " key for minion m49 deleted");
    }
  }

  @Test
  void rotateIfCompromised_isANoOpForASafeKey() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofSeconds(30))) {
      PublishKey first = r.start();
      r.rotateIfCompromised();
      assertThat(r.current()).isSameAs(first);
      r.markCompromised("deleted");
      r.rotateIfCompromised();
      assertThat(r.current().epoch()).isEqualTo(first.epoch() + 1);
    }
  }

  @Test
  void seal_destroysBothKeys_andUnsealMakesANewKeyWithAHigherEpoch() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofHours(1))) {
      PublishKey first = r.start();
      PublishKey second = r.rotateNow("on demand");

      r.sealed();

      assertThat(first.isDestroyed()).isTrue();
      assertThat(second.isDestroyed()).isTrue();
      assertThat(second.key().secret().isDestroyed()).isTrue();
      assertThat(r.sealingKey()).isEmpty();
      assertThatThrownBy(r::current).hasMessageContaining("sealed");
      assertThatThrownBy(() -> r.rotateNow("while sealed")).hasMessageContaining("sealed");

      r.unsealed(null);

      PublishKey third = r.current();
      assertThat(third.epoch()).isEqualTo(second.epoch() + 1);
      assertThat(third.isDestroyed()).isFalse();
      assertThat(heard).last().isEqualTo(third.epoch() + " the vault unsealed");
    }
  }

  @Test
  void startSealed_hasNoKeyUntilTheUnseal() {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofHours(1))) {
      r.startSealed();
      assertThat(r.sealingKey()).isEmpty();
      r.markCompromised("a key removed while sealed");
      r.unsealed(null);
      assertThat(r.isCompromised(r.current())).as("a key made after the removal").isFalse();
      assertThat(heard).hasSize(1);
    }
  }

  @Test
  void publishSession_rotatesByItself() throws Exception {
    try (PublishKeyRotator r = rotator(Duration.ofSeconds(1), Duration.ofSeconds(30))) {
      PublishKey first = r.start();
      awaitTrue(() -> r.current().epoch() >= first.epoch() + 2);
      assertThat(heard).contains((first.epoch() + 1) + " publish_session elapsed");
    }
  }

  @Test
  void badSettings_andUseBeforeStart_areRefused() {
    assertThatThrownBy(() -> rotator(Duration.ofMillis(10), Duration.ZERO))
        .hasMessageContaining("publish_session");
    assertThatThrownBy(() -> rotator(Duration.ofHours(1), Duration.ofSeconds(-1)))
        .hasMessageContaining("grace");
    try (PublishKeyRotator r = rotator(Duration.ofHours(1), Duration.ZERO)) {
      assertThatThrownBy(r::current).hasMessageContaining("not started");
    }
  }

  /** Waits for something the timer does; a liveness bound, not a timing assertion. */
  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).as("condition reached within 15 s").isTrue();
  }
}
