package io.brine.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.aead.AesGcmKey;
import io.brine.crypto.aead.RandomNonceAesGcm;
import io.brine.protocol.MinionId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The long polls' waiters over a real job cache in a folder. */
class ReturnWaitersTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId WEB2 = MinionId.of("web2");
  private static final Duration LONG = Duration.ofSeconds(50);

  @TempDir Path dir;

  private JobCache cache;
  private String jid;

  @BeforeEach
  void job() throws Exception {
    cache =
        JobCache.open(
            dir,
            100,
            Duration.ofHours(1),
            Clock.systemUTC(),
            RandomNonceAesGcm.create(AesGcmKey.generate()));
    jid = Jid.next(Clock.systemUTC());
    cache.create(
        new JobRecord(jid, "test.ping", List.of(), Map.of(), "web*", "glob", List.of(WEB1, WEB2),
            List.of(), Clock.systemUTC().instant(), Duration.ofSeconds(60)));
  }

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void aReturnThroughTheSignallingStore_wakesTheJobsWaiters_andOnlyThem() throws Exception {
    // No store poll to speak of: only the signal can wake them within the test.
    ReturnWaiters waiters = new ReturnWaiters(cache, 10, Duration.ofHours(1));
    CompletableFuture<Void> mine = waiters.await(jid, 0, LONG);
    CompletableFuture<Void> other = waiters.await("20200101000000000000", 0, LONG);

    waiters.signallingStore().addReturn(jid, ret(WEB1));

    mine.get(20, TimeUnit.SECONDS);
    assertThat(other).isNotDone();
    assertThat(waiters.waiting()).isEqualTo(1);
  }

  @Test
  void aReturnStoredElsewhere_isFoundByThePoll_once_theCountPassesAfter() throws Exception {
    ReturnWaiters waiters = new ReturnWaiters(cache, 10, Duration.ofMillis(20));
    cache.addReturn(jid, ret(WEB1)); // "another master": straight into the store, no signal
    CompletableFuture<Void> seenOne = waiters.await(jid, 1, LONG);
    CompletableFuture<Void> seenNone = waiters.await(jid, 0, LONG);

    seenNone.get(20, TimeUnit.SECONDS);
    assertThat(seenOne).isNotDone();
    cache.addReturn(jid, ret(WEB2));
    seenOne.get(20, TimeUnit.SECONDS);
    assertThat(waiters.waiting()).isZero();
  }

  @Test
  void aWaiterWithNoReturn_answersAtTheWaitsEnd() throws Exception {
    ReturnWaiters waiters = new ReturnWaiters(cache, 10, Duration.ofMillis(20));

    waiters.await(jid, 0, Duration.ofMillis(100)).get(20, TimeUnit.SECONDS);

    assertThat(waiters.waiting()).isZero();
  }

  @Test
  void beyondTheCap_aWaiterIsRefused_untilOneLeaves() throws Exception {
    ReturnWaiters waiters = new ReturnWaiters(cache, 2, Duration.ofHours(1));
    CompletableFuture<Void> first = waiters.await(jid, 0, LONG);
    waiters.await(jid, 0, LONG);

    assertThatThrownBy(() -> waiters.await(jid, 0, LONG))
        .isInstanceOf(ReturnWaiters.Full.class)
        .hasMessageContaining("at most 2");
    first.cancel(false); // its client went away
    assertThat(waiters.waiting()).isEqualTo(1);
    assertThat(waiters.await(jid, 0, LONG)).isNotDone();
  }

  private static JobReturn ret(MinionId id) {
    return new JobReturn(id, "test.ping", true, 0, true, Clock.systemUTC().instant());
  }
}
