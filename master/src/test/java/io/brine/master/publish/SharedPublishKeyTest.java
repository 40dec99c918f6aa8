package io.brine.master.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.crypto.SecretAccess;
import io.brine.protocol.publish.PublishKey;
import io.brine.vault.InitRequest;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.postgresql.FencedWriteException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two masters over one storage (two vault cores unsealed with the same share, as two cluster
 * members are), each with its own rotator following the cluster's one publish key.
 */
class SharedPublishKeyTest {
  private static final Duration SESSION = Duration.ofHours(24);

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final InMemoryStorage physical = new InMemoryStorage();
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T05:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private VaultCore vaultA;
  private VaultCore vaultB;
  private final AtomicBoolean aActive = new AtomicBoolean(true);
  private final AtomicBoolean bActive = new AtomicBoolean(false);
  private final List<String> heardA = new CopyOnWriteArrayList<>();
  private final List<String> heardB = new CopyOnWriteArrayList<>();
  /** The key store's committed-through, as the active reads it before each key it makes. */
  private final AtomicLong committedRemovals = new AtomicLong();
  private volatile boolean historyUnreadable;
  private PublishKeyRotator a;
  private PublishKeyRotator b;
  private String share;
  private String rootToken;

  @BeforeEach
  void twoMasters() throws Exception {
    vaultA = VaultCore.builder(physical).build();
    var init = vaultA.initialize(new InitRequest(1, 1, 0, 0));
    share = init.keys().get(0);
    rootToken = init.rootToken();
    vaultB = VaultCore.builder(physical).build();
    a = rotator(vaultA, aActive, heardA);
    b = rotator(vaultB, bActive, heardB);
  }

  private PublishKeyRotator rotator(VaultCore vault, AtomicBoolean active, List<String> heard) {
    PublishKeyRotator r = new PublishKeyRotator(SESSION, Duration.ofMinutes(1), timer);
    r.shareThrough(new SharedPublishKey(vault::barrier, active::get, this::removalsCommitted));
    r.followEvery(Duration.ofMillis(20), clock);
    r.addListener((key, reason) -> heard.add(key.epoch() + " " + reason));
    vault.addListener(r);
    r.startSealed();
    return r;
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    vaultA.close();
    vaultB.close();
    timer.shutdownNow();
  }

  @Test
  void theActiveMakesTheFirstKey_andAStandbyTakesTheSameOne() throws Exception {
    vaultA.submitUnsealKey(share, false);
    PublishKey first = a.current();
    assertThat(heardA).containsExactly(first.epoch() + " the cluster's first publish key");

    vaultB.submitUnsealKey(share, false);
    PublishKey onB = b.current();
    assertThat(onB.epoch()).isEqualTo(first.epoch());
    assertThat(onB.key().secret().equalsInConstantTime(first.key().secret())).isTrue();
    assertThat(b.sealingKey()).isPresent();
  }

  @Test
  void aStandbyUnsealedFirst_hasNoKey_untilTheActiveWritesOne() throws Exception {
    vaultB.submitUnsealKey(share, false);
    assertThatThrownBy(b::current).isInstanceOf(IllegalStateException.class);
    assertThat(b.sealingKey()).isEmpty();

    vaultA.submitUnsealKey(share, false);
    int epoch = a.current().epoch();
    await(() -> b.sealingKey().map(k -> k.epoch() == epoch).orElse(false));
  }

  @Test
  void aRotationOnTheActive_movesTheStandbyToTheSameEpoch_withItsGrace() throws Exception {
    unsealBoth();
    PublishKey before = b.current();
    PublishKey next = a.rotateNow("brine key -d web1");

    await(() -> b.current().epoch() == next.epoch());
    assertThat(b.current().key().secret().equalsInConstantTime(next.key().secret())).isTrue();
    assertThat(before.isDestroyed()).as("kept for the grace, as after a local rotation").isFalse();
    assertThat(heardB)
        .last()
        .isEqualTo(next.epoch() + " the cluster's key rotated (brine key -d web1)");
  }

  @Test
  void aStandbyMakesNoKey_andSealsNothingAfterARemoval_untilTheActivesKeyArrives() throws Exception {
    unsealBoth();
    int epoch = b.current().epoch();
    assertThatThrownBy(() -> b.rotateNow("on demand"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("standby");

    b.markCompromised("key for minion web1 deleted");
    assertThat(b.sealingKey()).as("never a key a removed minion holds").isEmpty();
    assertThat(physicalEpoch(vaultA)).isEqualTo(epoch);

    a.markCompromised("key for minion web1 deleted");
    PublishKey fresh = a.sealingKey().orElseThrow();
    assertThat(fresh.epoch()).isEqualTo(epoch + 1);
    await(() -> b.sealingKey().map(k -> k.epoch() == epoch + 1).orElse(false));
  }

  @Test
  void aStandbyPublicationAfterARemoval_waitsForTheActivesKey_insteadOfBeingDropped()
      throws Exception {
    unsealBoth();
    int epoch = b.current().epoch();
    b.markCompromised("key for minion web1 deleted");
    assertThatThrownBy(() -> b.awaitSealingKey(Duration.ofMillis(100)))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("did not reach this master within");

    var waiting =
        awaitingKey(b).thenApply(key -> key.orElseThrow().epoch());
    Thread.sleep(50); // the waiter is parked (or about to be): either way it must see the key
    assertThat(waiting).isNotDone();
    a.markCompromised("key for minion web1 deleted");
    a.rotateIfCompromised();
    assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo(epoch + 1);
  }

  @Test
  void aSealWhileAStandbyWaits_endsTheWait_withNoKey() throws Exception {
    unsealBoth();
    b.markCompromised("key for minion web1 deleted");
    var waiting =
        awaitingKey(b);
    vaultB.seal(rootToken);
    assertThat(waiting.get(20, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void publishSession_isCountedFromTheStoredRotation_andOnlyTheActiveRotates() throws Exception {
    unsealBoth();
    int epoch = a.current().epoch();
    now.set(now.get().plus(SESSION).minusSeconds(1));
    Thread.sleep(100); // several ticks: nothing is due yet
    assertThat(a.current().epoch()).isEqualTo(epoch);

    // The active steps down just before the session ends; B takes over and rotates on time.
    aActive.set(false);
    bActive.set(true);
    now.set(now.get().plusSeconds(1));
    await(() -> a.current().epoch() == epoch + 1 && b.current().epoch() == epoch + 1);
    assertThat(heardB).last().isEqualTo((epoch + 1) + " publish_session elapsed");
    assertThat(heardA).last().asString().contains("the cluster's key rotated (publish_session elapsed)");
  }

  @Test
  void aFencedWrite_rotatesNothing_andTheKeyStaysAsItWas() throws Exception {
    AtomicBoolean fenced = new AtomicBoolean();
    PublishKeyRotator c = new PublishKeyRotator(SESSION, Duration.ofMinutes(1), timer);
    c.shareThrough(new SharedPublishKey(() -> refusingWhen(vaultA.barrier(), fenced), () -> true, () -> 0L));
    c.followEvery(Duration.ofMillis(20), clock);
    try (c) {
      c.startSealed();
      vaultA.addListener(c);
      vaultA.submitUnsealKey(share, false);
      PublishKey current = c.current();
      fenced.set(true);
      assertThatThrownBy(() -> c.rotateNow("on demand"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not be rotated");
      assertThat(c.current()).isSameAs(current);
      assertThat(physicalEpoch(vaultA)).isEqualTo(current.epoch());
    }
  }

  @Test
  void theEntryIsBarrierCiphertext_andAMalformedOneIsRefused() throws Exception {
    unsealBoth();
    byte[] key = a.current().key().secret().copyOut(SecretAccess.INSECURE);
    String hex = HexFormat.of().formatHex(key);
    byte[] stored = physical.get(Barrier.PHYSICAL_PREFIX + SharedPublishKey.PATH).orElseThrow();
    assertThat(HexFormat.of().formatHex(stored)).doesNotContain(hex);

    vaultA.barrier().put(SharedPublishKey.PATH, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> new SharedPublishKey(vaultA::barrier, () -> true, () -> 0L).read())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(SharedPublishKey.PATH);
  }

  // --- the order of a removal and the key made for it (removals_through)

  @Test
  void aStandbyThatTookTheNewKeyFirst_keepsSealingUnderIt_whenItLearnsOfTheRemoval()
      throws Exception {
    unsealBoth();
    PublishKey before = b.current();
    committedRemovals.set(7); // web1's delete committed, numbered 7
    a.markCompromised("key for minion web1 deleted");
    PublishKey fresh = a.sealingKey().orElseThrow();
    await(() -> b.current().epoch() == fresh.epoch());

    b.markCompromised("web1 left", OptionalLong.of(7));
    assertThat(b.sealingKey().map(PublishKey::epoch))
        .as("made after the removal committed: web1 never held it")
        .contains(fresh.epoch());
    assertThat(b.isCompromised(b.current())).isFalse();
    assertThat(b.isCompromised(before)).as("the key before the removal").isTrue();
    assertThat(a.sealingKey().map(PublishKey::epoch)).contains(fresh.epoch());
  }

  @Test
  void aStandbyThatLearnsOfTheRemovalFirst_waitsForTheKeyMadeAfterIt() throws Exception {
    unsealBoth();
    int epoch = b.current().epoch();
    committedRemovals.set(7);
    b.markCompromised("web1 left", OptionalLong.of(7));
    assertThat(b.sealingKey()).as("its key came before the removal").isEmpty();
    var waiting =
        awaitingKey(b).thenApply(key -> key.orElseThrow().epoch());
    a.markCompromised("key for minion web1 deleted");
    a.rotateIfCompromised();
    assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo(epoch + 1);
  }

  @Test
  void aNewerKeyMadeBeforeTheRemovalCommitted_isRefusedToo_untilOneMadeAfterIt()
      throws Exception {
    unsealBoth();
    int epoch = a.current().epoch();
    committedRemovals.set(6); // removal 7 has its number but has not committed yet
    a.rotateNow("on demand");
    await(() -> b.current().epoch() == epoch + 1);

    b.markCompromised("web1 left", OptionalLong.of(7));
    assertThat(b.sealingKey()).as("a newer epoch, but web1 may have been given it").isEmpty();

    committedRemovals.set(7);
    a.markCompromised("key for minion web1 deleted");
    a.rotateIfCompromised();
    await(() -> b.sealingKey().map(k -> k.epoch() == epoch + 2).orElse(false));
  }

  @Test
  void anEntryOfTheEarlierFormat_isRetiredByAnyRemoval() throws Exception {
    vaultA.submitUnsealKey(share, false);
    PublishKey first = a.current();
    byte[] v2 = SharedPublishKey.encode(first, "old master", Instant.EPOCH, 42);
    byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 8);
    v1[0] = 1;
    SharedPublishKey.Stored old = SharedPublishKey.decode(v1);
    assertThat(old.removalsThrough()).isEqualTo(SharedPublishKey.UNNUMBERED);
    assertThat(old.epoch()).isEqualTo(first.epoch());
    assertThat(old.key().secret().equalsInConstantTime(first.key().secret())).isTrue();
    assertThat(SharedPublishKey.decode(v2).removalsThrough()).isEqualTo(42);

    // A standby that takes such an entry retires it at the first numbered removal.
    PublishKey next = new PublishKey(first.epoch() + 1, io.brine.crypto.aead.AesGcmKey.generate());
    byte[] nextV2 = SharedPublishKey.encode(next, "old master", Instant.EPOCH, 0);
    byte[] nextV1 = java.util.Arrays.copyOf(nextV2, nextV2.length - 8);
    nextV1[0] = 1;
    vaultA.barrier().put(SharedPublishKey.PATH, nextV1);
    vaultB.submitUnsealKey(share, false);
    assertThat(b.current().epoch()).isEqualTo(next.epoch());
    assertThat(b.sealingKey()).isPresent();
    b.markCompromised("web1 left", OptionalLong.of(1));
    assertThat(b.sealingKey()).isEmpty();
  }

  @Test
  void anUnreadableHistory_rotatesNothing_andTheKeyStaysAsItWas() throws Exception {
    unsealBoth();
    PublishKey current = a.current();
    historyUnreadable = true;
    assertThatThrownBy(() -> a.rotateNow("on demand"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not be rotated");
    assertThat(a.current()).isSameAs(current);
    assertThat(physicalEpoch(vaultA)).isEqualTo(current.epoch());
    historyUnreadable = false;
    assertThat(a.rotateNow("on demand").epoch()).isEqualTo(current.epoch() + 1);
  }

  @Test
  void aMasterOnItsOwn_retiresEveryKeySoFar_whateverTheRemovalsNumber() {
    PublishKeyRotator alone = new PublishKeyRotator(SESSION, Duration.ofMinutes(1), timer);
    try (alone) {
      PublishKey first = alone.start();
      alone.markCompromised("web1 left", OptionalLong.of(7));
      assertThat(alone.isCompromised(first)).isTrue();
      assertThat(alone.sealingKey().orElseThrow().epoch()).isEqualTo(first.epoch() + 1);
    }
  }

  @Test
  void anUnnumberedRemovalOnAStandby_retiresEveryKeySoFar_evenOneMadeAfterIt() throws Exception {
    unsealBoth();
    committedRemovals.set(7);
    PublishKey fresh = a.rotateNow("on demand");
    await(() -> b.current().epoch() == fresh.epoch());
    b.markCompromised("a row left behind brine's back", OptionalLong.empty());
    assertThat(b.sealingKey()).isEmpty();
  }

  /** {@code r}'s {@link PublishKeyRotator#awaitSealingKey} (30 s), on another thread. */
  private static java.util.concurrent.CompletableFuture<Optional<PublishKey>> awaitingKey(
      PublishKeyRotator r) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          try {
            return r.awaitSealingKey(Duration.ofSeconds(30));
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
  }

  private long removalsCommitted() throws java.io.IOException {
    if (historyUnreadable) {
      throw new java.io.IOException("minion key store (PostgreSQL) failed: connection refused");
    }
    return committedRemovals.get();
  }

  private void unsealBoth() throws Exception {
    vaultA.submitUnsealKey(share, false);
    vaultB.submitUnsealKey(share, false);
    assertThat(b.current().epoch()).isEqualTo(a.current().epoch());
  }

  private static int physicalEpoch(VaultCore vault) throws VaultException {
    Optional<SharedPublishKey.Stored> stored =
        new SharedPublishKey(vault::barrier, () -> false, () -> 0L).read();
    stored.orElseThrow().key().destroy();
    return stored.get().epoch();
  }

  private static Storage refusingWhen(Storage barrier, AtomicBoolean fenced) {
    return new Storage() {
      @Override
      public Optional<byte[]> get(String path) throws VaultException {
        return barrier.get(path);
      }

      @Override
      public void put(String path, byte[] value) throws VaultException {
        if (fenced.get()) {
          throw new FencedWriteException("fenced write refused: this master lost the HA lock");
        }
        barrier.put(path, value);
      }

      @Override
      public void delete(String path) throws VaultException {
        barrier.delete(path);
      }

      @Override
      public List<String> list(String prefix) throws VaultException {
        return barrier.list(prefix);
      }
    };
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
