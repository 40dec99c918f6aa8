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
  void rotateSoon_manyAsks_rotateOnce() throws Exception {
    try (PublishKeyRotator r = rotator(Duration.ofHours(24), Duration.ofSeconds(30))) {
      PublishKey first = r.start();
      for (int i = 0; i < 50; i++) {
        r.rotateSoon("key for minion m" + i + " deleted");
      }
      awaitTrue(() -> r.current().epoch() != first.epoch());
      Thread.sleep(1500); // any second rotation would have happened by now
      assertThat(r.current().epoch()).isEqualTo(first.epoch() + 1);
      assertThat(heard).hasSize(2);
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
