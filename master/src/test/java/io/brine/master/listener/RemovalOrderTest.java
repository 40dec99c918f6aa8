package io.brine.master.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.mac.HmacSha256;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.shared.SharedKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.master.publish.SharedPublishKey;
import io.brine.protocol.MinionId;
import io.brine.protocol.publish.PublishKey;
import io.brine.vault.InitRequest;
import io.brine.vault.VaultCore;
import io.brine.vault.storage.InMemoryStorage;
import io.brine.vault.testing.PostgresServer;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key removed on the active master of a cluster (PostgreSQL key store, one publish key in the
 * barrier), and a standby that learns of the removal ({@link RemovedKeys}, comparing listings as
 * its watch and its publications do) and of the active's new key in either order: the order is
 * forced here, each step run by the test, not left to the pollers.
 */
class RemovalOrderTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId WEB2 = MinionId.of("web2");
  private static String keyA;
  private static String keyB;

  @TempDir Path dir;

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final HmacSha256 rowKey = HmacSha256.create(SecretBytes.random(32, new SecureRandom()));
  private HikariDataSource pool;
  private PostgresServer.Database database;
  private SharedKeyStore onActive;
  private SharedKeyStore onStandby;
  private VaultCore vaultA;
  private VaultCore vaultB;
  private PublishKeyRotator active;
  private PublishKeyRotator standby;
  private RemovedKeys removedOnActive;
  private RemovedKeys removedOnStandby;

  @BeforeAll
  static void keys() throws Exception {
    keyA = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    keyB = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
  }

  @BeforeEach
  void cluster() throws Exception {
    database = PostgresServer.shared().newDatabase();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(database.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPassword(database.server().password());
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setPoolName("removal-order-test");
    pool = new HikariDataSource(config);
    onActive = store();
    onStandby = store();

    InMemoryStorage physical = new InMemoryStorage();
    vaultA = VaultCore.builder(physical).build();
    String share = vaultA.initialize(new InitRequest(1, 1, 0, 0)).keys().get(0);
    vaultB = VaultCore.builder(physical).build();
    active = rotator(vaultA, () -> true);
    standby = rotator(vaultB, () -> false);
    vaultA.submitUnsealKey(share, false);
    vaultB.submitUnsealKey(share, false);
    assertThat(standby.current().epoch()).isEqualTo(active.current().epoch());

    for (MinionId id : List.of(WEB1, WEB2)) {
      onActive.authorize(id, id.equals(WEB1) ? keyA : keyB);
    }
    onActive.accept(List.of(WEB1, WEB2), false, false);
    removedOnActive = new RemovedKeys(onActive, new ConnectedMinions(), active);
    removedOnStandby = new RemovedKeys(onStandby, new ConnectedMinions(), standby);
    removedOnStandby.reconcile(Set.of(), onStandby.acceptedKeys()); // its first listing
  }

  private SharedKeyStore store() throws IOException {
    return SharedKeyStore.open(
        pool,
        WriteFence.NONE,
        () -> Optional.of(rowKey),
        AcceptancePolicy.manual(),
        dir.resolve("master.pub"));
  }

  private PublishKeyRotator rotator(VaultCore vault, BooleanSupplier mayRotate) {
    PublishKeyRotator r = new PublishKeyRotator(Duration.ofHours(24), Duration.ofMinutes(1), timer);
    r.shareThrough(
        new SharedPublishKey(vault::barrier, mayRotate, onActive::removalsCommittedThrough));
    vault.addListener(r);
    r.startSealed();
    return r;
  }

  @AfterEach
  void close() {
    active.close();
    standby.close();
    vaultA.close();
    vaultB.close();
    timer.shutdownNow();
    pool.close();
  }

  /** {@code brine key -d} on the active: the store, then the listener's rotation (onKeysChanged). */
  private PublishKey deleteOnActive(MinionId id) throws IOException {
    KeyChanges changes = onActive.delete(List.of(id));
    removedOnActive.changedHere(changes);
    active.rotateIfCompromised();
    return active.current();
  }

  /** What a standby's publication does first: compare the listing it resolved its target with. */
  private void standbyLooks() throws IOException {
    removedOnStandby.reconcile(Set.of(), onStandby.acceptedKeys());
  }

  @Test
  void newKeyFirst_thenTheRemoval_theStandbySealsUnderTheNewKeyAtOnce() throws Exception {
    PublishKey before = standby.current();
    PublishKey fresh = deleteOnActive(WEB1);
    assertThat(fresh.epoch()).isEqualTo(before.epoch() + 1);
    await(() -> standby.current().epoch() == fresh.epoch()); // its follower took the new key

    standbyLooks(); // web1 is gone from the listing: now it learns of the removal
    assertThat(standby.awaitSealingKey(Duration.ZERO).map(PublishKey::epoch))
        .as("the key was made after the removal committed: no waiting, no drop")
        .contains(fresh.epoch());
    assertThat(standby.isCompromised(before)).as("web1 held the key before the removal").isTrue();
    // Why that is sound: web1 is handed a key only by a handshake that reads the key first and
    // the store after, from committed rows; on any master, it is no longer accepted.
    assertThat(onStandby.authorize(WEB1, keyA).verdict()).isNotEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void theRemovalFirst_thenTheNewKey_theStandbyWaitsForIt() throws Exception {
    int epoch = standby.current().epoch();
    KeyChanges changes = onActive.delete(List.of(WEB1)); // committed; the rotation comes later
    standbyLooks();
    assertThatThrownBy(() -> standby.awaitSealingKey(Duration.ZERO))
        .as("its key was made before the removal")
        .isInstanceOf(IOException.class);

    CompletableFuture<Integer> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return standby.awaitSealingKey(Duration.ofSeconds(60)).orElseThrow().epoch();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    removedOnActive.changedHere(changes);
    active.rotateIfCompromised();
    assertThat(waiting.get(60, TimeUnit.SECONDS)).isEqualTo(epoch + 1);
  }

  @Test
  void twoRemovals_theStandbyKeepsTheKeyMadeAfterBoth_butNotOneMadeBetween() throws Exception {
    PublishKey afterFirst = deleteOnActive(WEB1);
    await(() -> standby.current().epoch() == afterFirst.epoch());
    onActive.delete(List.of(WEB2)); // committed, not yet rotated for
    standbyLooks(); // learns of both at once
    assertThat(standby.sealingKey()).as("made before web2's removal").isEmpty();

    PublishKey afterBoth = active.rotateNow("an accepted minion key was removed");
    await(() -> standby.sealingKey().map(k -> k.epoch() == afterBoth.epoch()).orElse(false));
  }

  @Test
  void aRowDeletedBehindBrinesBack_hasNoNumber_soEvenTheNewestKeyIsRetired() throws Exception {
    PublishKey fresh = active.rotateNow("on demand");
    await(() -> standby.current().epoch() == fresh.epoch());
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM brine_minion_keys WHERE id = 'web1'");
    }
    standbyLooks();
    assertThat(standby.sealingKey())
        .as("no removal in the history to order the key after: the safe side")
        .isEmpty();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
