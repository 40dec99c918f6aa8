package io.brine.vault.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.PermissionDeniedException;
import io.brine.vault.SealedException;
import io.brine.vault.VaultException;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private Barrier barrier;
  private TokenStore store;

  @BeforeEach
  void open() throws VaultException {
    barrier = new Barrier(FileStorage.open(dir));
    barrier.install(Keyring.generate());
    store = new TokenStore(barrier, new SecureRandom(), clock);
  }

  private static TokenRequest request(List<String> policies) {
    return new TokenRequest(policies, false, null, null, null, 0, null, null, null, false, null);
  }

  private static TokenRequest ttl(Duration ttl) {
    return new TokenRequest(null, false, ttl, null, null, 0, null, null, null, false, null);
  }

  // ---------------------------------------------------------------- create and lookup

  @Test
  void createRoot_isAnOrphanRootTokenThatNeverExpires() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");

    assertThat(root.token()).matches("s\\.[0-9A-Za-z]{32}");
    TokenEntry e = root.entry();
    assertThat(e.accessor()).matches("[0-9A-Za-z]{24}");
    assertThat(e.policies()).containsExactly("root");
    assertThat(e.isRoot()).isTrue();
    assertThat(e.orphan()).isTrue();
    assertThat(e.parentAccessor()).isNull();
    assertThat(e.expireTime()).isNull();
    assertThat(e.renewable()).isFalse();
    assertThat(e.path()).isEqualTo("auth/token/root");
    assertThat(e.idHash()).matches("h[0-9a-f]{64}").isEqualTo(store.tokenHmac(root.token()));
    assertThat(store.lookup(root.token())).contains(e);
    assertThat(root.toString()).doesNotContain(root.token()).doesNotContain(e.accessor());
    assertThat(e.toString()).doesNotContain(e.accessor()).doesNotContain(e.idHash());
  }

  @Test
  void lookup_ofAMalformedString_isEmpty_withoutReadingStorage() throws Exception {
    CountingStorage counting = new CountingStorage(barrier);
    TokenStore fresh = new TokenStore(counting, new SecureRandom(), clock);
    String body = "A".repeat(32);
    for (String bad :
        new String[] {
          null, "", "s.", "s." + "A".repeat(31), "s." + "A".repeat(33), "b." + body, "S." + body,
          "s." + "A".repeat(31) + "-", "s." + "A".repeat(31) + "\u00e9", "brn." + "A".repeat(31),
          "brn." + "A".repeat(31) + "+", "x".repeat(10_000)
        }) {
      assertThat(fresh.lookup(bad)).isEmpty();
      assertThatThrownBy(() -> fresh.use(bad)).isInstanceOf(PermissionDeniedException.class);
    }
    assertThat(fresh.lookupAccessor("short")).isEmpty();
    assertThat(fresh.lookupAccessor("A".repeat(23) + "/")).isEmpty();
    assertThat(counting.calls).hasValue(0);
    assertThat(fresh.lookup("s." + body)).isEmpty();
    assertThat(counting.calls.get()).isPositive();
  }

  @Test
  void child_getsDefault_sortedDeduplicatedPolicies_andAParent() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    CreatedToken child =
        store.create(
            root.entry(),
            new TokenRequest(
                List.of("web", " WEB ", "db", ""), false, null, null, null, 0, null, "my app!",
                Map.of("user", "armon"), false, "auth/token/create"));

    TokenEntry e = child.entry();
    assertThat(e.policies()).containsExactly("db", "default", "web");
    assertThat(e.parentAccessor()).isEqualTo(root.entry().accessor());
    assertThat(e.orphan()).isFalse();
    assertThat(e.displayName()).isEqualTo("token-my-app");
    assertThat(e.meta()).containsExactlyEntriesOf(Map.of("user", "armon"));
    assertThat(e.renewable()).isTrue();
    assertThat(e.path()).isEqualTo("auth/token/create");
    assertThat(store.lookup(child.token())).contains(e);
    assertThat(store.lookupAccessor(e.accessor())).contains(e);
  }

  @Test
  void child_ofARootParent_withoutPolicies_isRoot_withoutDefault() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    TokenEntry child = store.create(root.entry(), TokenRequest.defaults()).entry();

    assertThat(child.policies()).containsExactly("root");
    assertThat(child.displayName()).isEqualTo("token");
    // A root child without TTL of a root parent without TTL never expires, as OpenBao's does.
    assertThat(child.expireTime()).isNull();
    assertThat(child.renewable()).isFalse();
  }

  @Test
  void child_policies_mustBeASubsetOfTheParents_namingTheMissingOne() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    TokenEntry web = store.create(root.entry(), request(List.of("web", "ops"))).entry();

    assertThatThrownBy(() -> store.create(web, request(List.of("web", "db"))))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("\"db\"")
        .hasMessageContaining("subset");
    assertThatThrownBy(() -> store.create(web, request(List.of("root"))))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("root");
    assertThat(store.create(web, request(List.of("ops"))).entry().policies())
        .containsExactly("default", "ops");
    assertThat(store.create(web, TokenRequest.defaults()).entry().policies())
        .containsExactly("default", "ops", "web");
    TokenEntry bare =
        store
            .create(
                web,
                new TokenRequest(List.of("web"), true, null, null, null, 0, null, null, null, false,
                    null))
            .entry();
    assertThat(bare.policies()).containsExactly("web");
    // "default" is always allowed to a child, even of a parent created without it.
    assertThat(store.create(bare, request(List.of("default"))).entry().policies())
        .containsExactly("default");
  }

  @Test
  void create_refusesBadInput_withOneLine() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();

    assertThatThrownBy(
            () ->
                store.create(
                    root,
                    new TokenRequest(null, false, null, null, null, -1, null, null, null, false,
                        null)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("num_uses cannot be negative");
    assertThatThrownBy(() -> store.create(root, ttl(Duration.ofSeconds(-1))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("ttl cannot be negative");
    assertThatThrownBy(() -> store.create(root, request(List.of("a/b"))))
        .isInstanceOf(InvalidRequestException.class);
    Map<String, String> tooMany = new java.util.HashMap<>();
    for (int i = 0; i <= ChildTokens.MAX_META_KEYS; i++) {
      tooMany.put("k" + i, "v");
    }
    assertThatThrownBy(
            () ->
                store.create(
                    root,
                    new TokenRequest(null, false, null, null, null, 0, null, null, tooMany, false,
                        null)))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(
            () ->
                store.create(
                    root,
                    new TokenRequest(null, false, null, null, null, 0, null, null,
                        Map.of("k", "v".repeat(513)), false, null)))
        .isInstanceOf(InvalidRequestException.class);
    // Nothing half-written: only the root token is stored.
    assertThat(store.accessors()).containsExactly(root.accessor());
  }

  @Test
  void aTokenWithLimitedUses_cannotMakeChildren() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry limited =
        store
            .create(root, new TokenRequest(List.of("web"), false, null, null, null, 3, null, null,
                null, false, null))
            .entry();
    assertThatThrownBy(() -> store.create(limited, TokenRequest.defaults()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("restricted use token cannot generate child tokens");
  }

  // ---------------------------------------------------------------- TTL

  @Test
  void ttl_defaultsTo768h_andIsCappedThere() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry child = store.create(root, request(List.of("web"))).entry();
    assertThat(child.creationTtl()).isEqualTo(Duration.ofHours(768));
    assertThat(child.expireTime()).isEqualTo(clock.instant().plus(Duration.ofHours(768)));

    TokenEntry huge = store.create(root, ttl(Duration.ofDays(365))).entry();
    assertThat(huge.creationTtl()).isEqualTo(Duration.ofHours(768));
  }

  @Test
  void aChild_neverOutlivesItsParent_unlessOrphan() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry parent = store.create(root, ttl(Duration.ofHours(1))).entry();
    clock.advance(Duration.ofMinutes(10));

    assertThat(store.create(parent, TokenRequest.defaults()).entry().creationTtl())
        .isEqualTo(Duration.ofMinutes(50));
    assertThat(store.create(parent, ttl(Duration.ofHours(2))).entry().expireTime())
        .isEqualTo(parent.expireTime());
    assertThat(store.create(parent, ttl(Duration.ofMinutes(5))).entry().creationTtl())
        .isEqualTo(Duration.ofMinutes(5));
    TokenEntry orphan =
        store
            .create(parent, new TokenRequest(null, false, ttl(Duration.ofHours(2)).ttl(), null,
                null, 0, null, null, null, true, "auth/token/create-orphan"))
            .entry();
    assertThat(orphan.creationTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(orphan.orphan()).isTrue();
    assertThat(orphan.parentAccessor()).isNull();
  }

  @Test
  void anExpiringRoot_cannotMakeANonExpiringRoot() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry expiringRoot = store.create(root, ttl(Duration.ofHours(1))).entry();
    assertThat(expiringRoot.isRoot()).isTrue();

    assertThatThrownBy(
            () ->
                store.create(
                    expiringRoot,
                    new TokenRequest(null, false, null, null, null, 0, null, null, null, true,
                        null)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("expiring root tokens cannot create non-expiring root tokens");
  }

  @Test
  void expiredToken_isRevokedWithItsChildren_andRefused() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    CreatedToken parent = store.create(root, ttl(Duration.ofHours(1)));
    CreatedToken orphanChild =
        store.create(
            parent.entry(),
            new TokenRequest(null, false, Duration.ofHours(5), null, null, 0, null, null, null,
                true, null));
    CreatedToken child = store.create(parent.entry(), ttl(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(20));
    CreatedToken grandchild = store.create(child.entry(), TokenRequest.defaults());
    clock.advance(Duration.ofMinutes(40));

    assertThatThrownBy(() -> store.use(parent.token()))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(store.lookup(parent.token())).isEmpty();
    assertThat(store.lookup(child.token())).isEmpty();
    assertThat(store.lookup(grandchild.token())).isEmpty();
    assertThat(store.lookupAccessor(grandchild.entry().accessor())).isEmpty();
    assertThat(store.lookup(orphanChild.token())).isPresent();
    assertThat(store.accessors())
        .containsExactlyInAnyOrder(root.accessor(), orphanChild.entry().accessor());
  }

  @Test
  void renew_usesTheIncrementOrCreationTtl_cappedByExplicitMax() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry e =
        store
            .create(root, new TokenRequest(null, false, Duration.ofHours(1), Duration.ofHours(3),
                null, 0, null, null, null, false, null))
            .entry();
    clock.advance(Duration.ofMinutes(50));

    TokenEntry renewed = store.renew(e, Duration.ZERO);
    assertThat(renewed.expireTime()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(store.lookup(e.idHash())).isEmpty(); // an id hash is no token
    clock.advance(Duration.ofMinutes(50));
    renewed = store.renew(renewed, Duration.ofHours(10));
    // Explicit max counts from creation: 3h after it, whatever was asked.
    assertThat(renewed.expireTime()).isEqualTo(e.creationTime().plus(Duration.ofHours(3)));
    clock.advance(Duration.ofHours(2));
    TokenEntry last = renewed;
    assertThatThrownBy(() -> store.renew(last, Duration.ZERO))
        .isInstanceOf(PermissionDeniedException.class);
  }

  @Test
  void renew_ofAPeriodicToken_resetsToThePeriod() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry e =
        store
            .create(root, new TokenRequest(null, false, null, null, Duration.ofMinutes(30), 0,
                null, null, null, true, null))
            .entry();
    assertThat(e.creationTtl()).isEqualTo(Duration.ofMinutes(30));
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(20));
      e = store.renew(e, Duration.ofHours(8));
      assertThat(e.expireTime()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
    }
  }

  @Test
  void renew_refusesTokensThatAreNotRenewable() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry fixed =
        store
            .create(root, new TokenRequest(null, false, Duration.ofHours(1), null, null, 0, false,
                null, null, false, null))
            .entry();
    assertThatThrownBy(() -> store.renew(fixed, Duration.ZERO))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("lease is not renewable");
    assertThatThrownBy(() -> store.renew(root, Duration.ZERO))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("lease is not renewable");
    TokenEntry renewable = store.create(root, ttl(Duration.ofHours(1))).entry();
    assertThatThrownBy(() -> store.renew(renewable, Duration.ofSeconds(-5)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void renew_ofAChild_staysWithinItsParent() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    TokenEntry parent = store.create(root, ttl(Duration.ofHours(2))).entry();
    TokenEntry child = store.create(parent, ttl(Duration.ofMinutes(10))).entry();
    clock.advance(Duration.ofMinutes(5));

    assertThat(store.renew(child, Duration.ofHours(5)).expireTime())
        .isEqualTo(parent.expireTime());
  }

  // ---------------------------------------------------------------- uses

  @Test
  void numUses_theLastUseStaysFindableUntilFinishUse() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    CreatedToken t =
        store.create(
            root,
            new TokenRequest(List.of("web"), false, null, null, null, 2, null, null, null, false,
                null));

    TokenEntry first = store.use(t.token());
    assertThat(first.numUses()).isEqualTo(1);
    store.finishUse(first);
    TokenEntry second = store.use(t.token());
    assertThat(second.numUses()).isEqualTo(TokenEntry.LAST_USE_SPENT);
    assertThat(store.lookup(t.token())).isPresent();
    assertThatThrownBy(() -> store.use(t.token())).isInstanceOf(PermissionDeniedException.class);
    store.finishUse(second);
    assertThat(store.lookup(t.token())).isEmpty();
    assertThat(store.lookupAccessor(t.entry().accessor())).isEmpty();
  }

  @Test
  void unlimitedToken_spendsNothing() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    for (int i = 0; i < 5; i++) {
      TokenEntry e = store.use(root.token());
      assertThat(e.numUses()).isZero();
      store.finishUse(e);
    }
    assertThat(store.lookup(root.token())).isPresent();
  }

  @Test
  void numUses_underConcurrency_exactlyKSucceed() throws Exception {
    // Over an in-memory barrier: the point is the lock, not the disk.
    Barrier memory = new Barrier(new InMemoryStorage());
    memory.install(Keyring.generate());
    TokenStore shared = new TokenStore(memory, new SecureRandom(), clock);
    TokenEntry root = shared.createRoot("auth/token/root").entry();
    int k = 7;
    int threads = 16;
    CreatedToken t =
        shared.create(
            root,
            new TokenRequest(null, false, null, null, null, k, null, null, null, false, null));
    AtomicInteger successes = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int j = 0; j < 4; j++) {
                    try {
                      shared.use(t.token());
                      successes.incrementAndGet();
                    } catch (PermissionDeniedException refused) {
                      // expected once the k uses are spent
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(successes).hasValue(k);
  }

  // ---------------------------------------------------------------- revoke

  @Test
  void revoke_takesEveryDescendant_revokeOrphan_keepsTheChildren() throws Exception {
    TokenEntry root = store.createRoot("auth/token/root").entry();
    CreatedToken a = store.create(root, request(List.of("web")));
    CreatedToken b = store.create(a.entry(), TokenRequest.defaults());
    CreatedToken c = store.create(b.entry(), TokenRequest.defaults());
    CreatedToken d = store.create(a.entry(), TokenRequest.defaults());

    store.revokeOrphan(b.entry());
    assertThat(store.lookup(b.token())).isEmpty();
    TokenEntry cNow = store.lookup(c.token()).orElseThrow();
    assertThat(cNow.orphan()).isTrue();
    assertThat(cNow.parentAccessor()).isNull();
    assertThat(barrier.list(TokenStore.PARENT_PREFIX + b.entry().idHash() + "/")).isEmpty();

    store.revoke(a.entry());
    assertThat(store.lookup(a.token())).isEmpty();
    assertThat(store.lookup(d.token())).isEmpty();
    assertThat(store.lookup(c.token())).isPresent();
    assertThat(store.accessors())
        .containsExactlyInAnyOrder(root.accessor(), c.entry().accessor())
        .isSorted();
    assertThat(barrier.list(TokenStore.PARENT_PREFIX + a.entry().idHash() + "/")).isEmpty();
    store.revoke(a.entry()); // again: nothing to do, no error
  }

  @Test
  void revoke_ofADeepChain_isIterative() throws Exception {
    Barrier memory = new Barrier(new InMemoryStorage());
    memory.install(Keyring.generate());
    TokenStore deep = new TokenStore(memory, new SecureRandom(), clock);
    TokenEntry root = deep.createRoot("auth/token/root").entry();
    TokenEntry top = deep.create(root, request(List.of("web"))).entry();
    TokenEntry last = top;
    int depth = 10_000;
    for (int i = 0; i < depth; i++) {
      last = deep.create(last, TokenRequest.defaults()).entry();
    }
    TokenEntry bottom = last;
    // A small stack: a recursive walk of 10,000 levels would overflow it.
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                deep.revoke(top);
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "small-stack-revoke",
            256 * 1024);
    t.start();
    t.join(60_000);
    assertThat(failure[0]).isNull();
    assertThat(deep.lookupAccessor(bottom.accessor())).isEmpty();
    assertThat(deep.accessors()).containsExactly(root.accessor());
    assertThat(memory.list(TokenStore.ID_PREFIX)).hasSize(1);
  }

  // ---------------------------------------------------------------- at rest

  @Test
  void storage_holdsNeitherTokenNorAccessor_inTheFilesOrTheDecryptedValues() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    CreatedToken child = store.create(root.entry(), request(List.of("web")));
    List<String> secrets =
        List.of(
            root.token(), root.token().substring(2), root.entry().accessor(), child.token(),
            child.token().substring(2), child.entry().accessor());

    List<byte[]> values = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        values.add(Files.readAllBytes(p));
        values.add(p.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    collectDecrypted(barrier, "", values);
    assertThat(values).hasSizeGreaterThan(8);
    for (byte[] v : values) {
      String text = new String(v, StandardCharsets.ISO_8859_1);
      for (String s : secrets) {
        assertThat(text).doesNotContain(s);
      }
    }
  }

  private static void collectDecrypted(Storage s, String prefix, List<byte[]> out)
      throws VaultException {
    for (String name : s.list(prefix)) {
      if (name.endsWith("/")) {
        collectDecrypted(s, prefix + name, out);
      } else {
        out.add(s.get(prefix + name).orElseThrow());
        out.add((prefix + name).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aNewStoreOverTheSameBarrier_readsTheSameSalt() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    TokenStore again = new TokenStore(barrier, new SecureRandom(), clock);
    assertThat(again.lookup(root.token())).contains(root.entry());
  }

  @Test
  void forget_wipesTheSalt_andRefusesEverything() throws Exception {
    CreatedToken root = store.createRoot("auth/token/root");
    store.forget();
    assertThatThrownBy(() -> store.lookup(root.token())).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> store.createRoot("auth/token/root"))
        .isInstanceOf(SealedException.class);
  }
}
