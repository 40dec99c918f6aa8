package io.brine.master.pki.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.WriteFence;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers a cluster orders its key removals and publish keys by, on a real PostgreSQL: the
 * number of the removal that took a key ({@link SharedKeyStore#removalNumber}), and the highest
 * number below which every removal has committed ({@link SharedKeyStore#removalsCommittedThrough}).
 */
class RemovalNumbersTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static final MinionId WEB2 = MinionId.of("web2");
  private static String keyA;
  private static String keyB;

  @TempDir Path dir;

  private TestDatabase db;
  private SharedKeyStore store;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void keys() throws Exception {
    keyA = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    keyB = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
  }

  @BeforeEach
  void open() throws Exception {
    db = TestDatabase.create();
    store =
        SharedKeyStore.open(
            db.pool, WriteFence.NONE, db.mac, AcceptancePolicy.manual(), dir.resolve("master.pub"));
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    db.close();
  }

  private void accepted(MinionId id, String key) throws Exception {
    store.authorize(id, key);
    store.accept(List.of(id), false, false);
  }

  private long lastSeq() throws Exception {
    try (Connection c = db.database.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(seq) FROM brine_key_decisions")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDeletedKey_isNumberedByItsDelete_andTheCommittedThroughReachesIt() throws Exception {
    assertThat(store.removalsCommittedThrough()).as("no removal yet").isZero();
    accepted(WEB1, keyA);
    accepted(WEB2, keyB);
    assertThat(store.removalNumber(List.of(WEB1))).as("still accepted").isEmpty();

    store.delete(List.of(WEB1));
    long first = lastSeq();
    store.reject(List.of(WEB2), true, false);
    long second = lastSeq();

    assertThat(store.removalNumber(List.of(WEB1))).isEqualTo(OptionalLong.of(first));
    assertThat(store.removalNumber(List.of(WEB1, WEB2))).isEqualTo(OptionalLong.of(second));
    assertThat(store.removalsCommittedThrough()).isEqualTo(second);
  }

  @Test
  void aKeyAcceptedAgain_replaced_orDeletedBehindBrinesBack_hasNoNumber() throws Exception {
    accepted(WEB1, keyA);
    store.delete(List.of(WEB1));
    accepted(WEB1, keyA);
    assertThat(store.removalNumber(List.of(WEB1)))
        .as("its last removal is older than its acceptance")
        .isEmpty();

    store.authorize(WEB1, keyB); // denied beside the accepted key
    store.accept(List.of(WEB1), false, true); // the denied key replaces the accepted one
    assertThat(store.removalNumber(List.of(WEB1))).as("a replacement is no numbered removal").isEmpty();

    accepted(WEB2, keyB);
    db.execute("DELETE FROM brine_minion_keys WHERE id = 'web2'");
    assertThat(store.removalNumber(List.of(WEB2))).as("gone without a decision").isEmpty();

    store.delete(List.of(WEB1));
    assertThat(store.removalNumber(List.of(WEB1, WEB2)))
        .as("one of them numbered is not enough")
        .isEmpty();
    assertThat(store.removalNumber(List.of(MinionId.of("never-seen")))).isEmpty();
  }

  /**
   * A removal that drew its number first and commits last: the committed-through must not pass it
   * while it may still commit, or a key made meanwhile would claim a removal made after it.
   */
  @Test
  void aRemovalStillCommitting_holdsTheCommittedThroughBack_untilItEnds() throws Exception {
    accepted(WEB1, keyA);
    accepted(WEB2, keyB);
    long fastSeq;
    try (Connection slow = db.pool.getConnection()) {
      slow.setAutoCommit(false);
      long slowSeq;
      try (PreparedStatement s =
          slow.prepareStatement(
              "INSERT INTO brine_key_decisions (id, from_state, to_state, source)"
                  + " VALUES ('web9', 'accepted', NULL, 'api') RETURNING seq")) {
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          slowSeq = rs.getLong(1);
        }
      }
      store.delete(List.of(WEB1)); // a higher number, committed first
      fastSeq = lastSeq();
      assertThat(fastSeq).isGreaterThan(slowSeq);

      CompletableFuture<Long> through =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return store.removalsCommittedThrough();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              threads);
      awaitWaitingForTheHistoryLock();
      assertThat(through).as("it waits for the removal still committing").isNotDone();
      slow.commit();
      assertThat(through.get(30, TimeUnit.SECONDS)).isEqualTo(fastSeq);
    }
    // and a removal drawn after the read cannot be below it: numbers only grow
    store.delete(List.of(WEB2));
    assertThat(store.removalNumber(List.of(WEB2)).orElseThrow()).isGreaterThan(fastSeq);
    assertThat(store.removalsCommittedThrough()).isEqualTo(lastSeq());
  }

  /** A session of the test's own store waits for the lock on the history (pg_locks says so). */
  private void awaitWaitingForTheHistoryLock() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = db.database.connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_locks WHERE NOT granted"
                      + " AND relation = 'brine_key_decisions'::regclass")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the committed-through never waited for the history's lock");
      }
      Thread.sleep(10);
    }
  }
}
