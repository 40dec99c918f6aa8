package io.brine.master.pki.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.crypto.mac.HmacSha256;
import io.brine.crypto.rsa.Pem;
import io.brine.crypto.rsa.RsaKeys;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.AtOnce;
import io.brine.master.pki.AuthResult;
import io.brine.master.pki.AuthResult.Verdict;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyDecisionLog;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.KeysUnavailable;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import io.brine.vault.testing.PostgresServer;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What only a store shared by several masters has: one set, integrity tags, races, an import. */
class SharedKeyStoreTest {
  private static final MinionId WEB1 = MinionId.of("web1");
  private static String keyA;
  private static String keyB;

  @TempDir Path dir;

  private TestDatabase db;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final Logger logger = (Logger) LoggerFactory.getLogger(SharedKeyStore.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeAll
  static void keys() throws Exception {
    keyA = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
    keyB = Pem.writePublicKey((RSAPublicKey) RsaKeys.generate(2048).getPublic());
  }

  @BeforeEach
  void open() {
    db = TestDatabase.create();
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void close() {
    logger.detachAppender(appender);
    threads.shutdownNow();
    db.close();
  }

  private SharedKeyStore store(AcceptancePolicy policy) throws Exception {
    return SharedKeyStore.open(db.pool, WriteFence.NONE, db.mac, policy, dir.resolve("master.pub"));
  }

  private SharedKeyStore store() throws Exception {
    return store(AcceptancePolicy.manual());
  }

  /** The history, one "id from>to source" per row, in order. */
  private List<String> history() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, from_state, to_state, source FROM brine_key_decisions ORDER BY seq");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.add(
            rs.getString(1)
                + " "
                + rs.getString(2)
                + ">"
                + rs.getString(3)
                + " "
                + rs.getString(4));
      }
    }
    return rows;
  }

  private List<String> warnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private <T> List<T> all(List<Callable<T>> tasks) throws Exception {
    return AtOnce.all(threads, tasks);
  }

  // --- one set for every master

  @Test
  void twoStoresOnOneDatabase_seeAndChangeOneSet_andTheHistorySaysWhy() throws Exception {
    SharedKeyStore m1 = store();
    SharedKeyStore m2 = store();

    assertThat(m1.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(m2.list().get(KeyStatus.PENDING)).containsExactly(WEB1);
    assertThat(m2.authorize(WEB1, keyB).verdict()).isEqualTo(Verdict.DENIED);
    assertThat(m1.publicKeyPem(KeyStatus.DENIED, WEB1)).contains(keyB);

    m2.accept(List.of(WEB1), false, false);
    assertThat(m1.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(m1.acceptedKeys().ids()).containsExactly(WEB1);
    m1.delete(List.of(WEB1));
    assertThat(m2.statuses(WEB1)).isEmpty();

    assertThat(history())
        .containsExactly(
            "web1 null>pending presented",
            "web1 null>denied presented",
            "web1 pending>accepted api",
            "web1 accepted>null api",
            "web1 denied>null api");
  }

  @Test
  void autoAcceptedOnOneMaster_isAcceptedOnTheOther() throws Exception {
    SharedKeyStore auto = store(AcceptancePolicy.of(true, null, null));
    SharedKeyStore manual = store();

    assertThat(auto.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.ACCEPTED);

    assertThat(manual.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(history()).containsExactly("web1 null>accepted auto_accept");
  }

  // --- what a database writer cannot do

  @Test
  void rowSetToAcceptedBySql_isRefused_withOneWarningNamingTheId_andAnOperatorCanDeleteIt()
      throws Exception {
    SharedKeyStore store = store();
    store.authorize(WEB1, keyA);

    assertThat(db.execute("UPDATE brine_minion_keys SET state = 'accepted' WHERE id = 'web1'"))
        .isEqualTo(1);

    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.acceptedKeys().ids()).isEmpty();
    assertThat(store.acceptedKeyStamp(WEB1)).isEmpty();
    assertThat(store.list().values()).allSatisfy(ids -> assertThat(ids).isEmpty());
    assertThat(store.statuses(WEB1)).isEmpty();
    assertThat(store.accept(List.of(WEB1), true, true).changes()).isEmpty();
    assertThat(warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("minion web1", "accepted", "outside brine"));

    KeyChanges cleaned = store.delete(List.of(WEB1));
    assertThat(cleaned.changes())
        .containsExactly(new KeyChanges.Change(WEB1, KeyStatus.ACCEPTED, null));
    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.PENDING);
  }

  @Test
  void acceptedKeySwappedBySql_isRefused_neitherKeyIsAccepted() throws Exception {
    SharedKeyStore store = store(AcceptancePolicy.of(true, null, null));
    store.authorize(WEB1, keyA);

    db.execute("UPDATE brine_minion_keys SET public_key_pem = '" + keyB + "' WHERE id = 'web1'");

    assertThat(store.authorize(WEB1, keyB).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.publicKeyPem(KeyStatus.ACCEPTED, WEB1)).isEmpty();
  }

  @Test
  void insertedRows_forgedOrCopiedFromAnotherId_areRefused() throws Exception {
    SharedKeyStore store = store(AcceptancePolicy.of(true, null, null));
    store.authorize(WEB1, keyA);

    db.execute(
        "INSERT INTO brine_minion_keys VALUES ('web2', 'accepted', '"
            + keyB
            + "', 'x', 1, now(), '\\x"
            + "00".repeat(32)
            + "')");
    db.execute(
        "INSERT INTO brine_minion_keys SELECT 'web3', state, public_key_pem, fingerprint,"
            + " version, changed, mac FROM brine_minion_keys WHERE id = 'web1'");
    db.execute(
        "INSERT INTO brine_minion_keys VALUES ('../etc', 'accepted', 'x', 'x', 1, now(), '\\x00')");

    assertThat(store.authorize(MinionId.of("web2"), keyB).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.authorize(MinionId.of("web3"), keyA).verdict()).isEqualTo(Verdict.REJECTED);
    assertThat(store.acceptedKeys().ids()).containsExactly(WEB1);
    assertThat(store.list().get(KeyStatus.ACCEPTED)).containsExactly(WEB1);
    assertThat(warnings())
        .hasSize(3)
        .anySatisfy(w -> assertThat(w).contains("minion web2"))
        .anySatisfy(w -> assertThat(w).contains("minion web3"))
        .anySatisfy(w -> assertThat(w).contains("../etc", "not a row brine writes"));
  }

  // --- masters deciding at once

  @Test
  void racingAccepts_onTwoStores_eachKeyIsAcceptedOnce() throws Exception {
    SharedKeyStore m1 = store();
    SharedKeyStore m2 = store();
    List<MinionId> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(MinionId.of("web" + i));
      m1.authorize(ids.get(i), i % 2 == 0 ? keyA : keyB);
    }
    List<Callable<KeyChanges>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      SharedKeyStore store = i % 2 == 0 ? m1 : m2;
      tasks.add(() -> store.accept(ids, false, false));
    }

    List<MinionId> accepted = new ArrayList<>();
    for (KeyChanges changes : all(tasks)) {
      changes.changes().forEach(c -> accepted.add(c.id()));
    }

    assertThat(accepted).hasSize(40).doesNotHaveDuplicates();
    assertThat(m2.list().get(KeyStatus.ACCEPTED)).hasSize(40);
    assertThat(m1.list().get(KeyStatus.PENDING)).isEmpty();
    assertThat(history().stream().filter(h -> h.contains("pending>accepted"))).hasSize(40);
  }

  @Test
  void twoKeysRacingForOneNewId_onTwoStores_onePending_theOtherDenied() throws Exception {
    SharedKeyStore m1 = store();
    SharedKeyStore m2 = store();
    List<Callable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      SharedKeyStore store = i % 4 < 2 ? m1 : m2;
      String key = i % 2 == 0 ? keyA : keyB;
      String name = key.equals(keyA) ? "A:" : "B:";
      tasks.add(() -> name + store.authorize(WEB1, key).verdict());
    }

    List<String> results = all(tasks);

    String pending = m1.publicKeyPem(KeyStatus.PENDING, WEB1).orElseThrow();
    String winner = pending.equals(keyA) ? "A:" : "B:";
    String loser = winner.equals("A:") ? "B:" : "A:";
    assertThat(results.stream().filter(r -> r.startsWith(winner))).containsOnly(winner + "PENDING");
    assertThat(results.stream().filter(r -> r.startsWith(loser))).containsOnly(loser + "DENIED");
    assertThat(m2.publicKeyPem(KeyStatus.DENIED, WEB1)).contains(winner.equals("A:") ? keyB : keyA);
    assertThat(history())
        .containsExactly("web1 null>pending presented", "web1 null>denied presented");
  }

  @Test
  void acceptAndRejectRacing_onTwoStores_eachIdEndsInOneStateItsHistoryExplains() throws Exception {
    SharedKeyStore m1 = store();
    SharedKeyStore m2 = store();
    List<MinionId> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(MinionId.of("db" + i));
      m1.authorize(ids.get(i), keyA);
    }
    List<Callable<KeyChanges>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean accept = i % 2 == 0;
      SharedKeyStore store = i < 3 ? m1 : m2;
      tasks.add(() -> accept ? store.accept(ids, false, false) : store.reject(ids, false, false));
    }

    int changed = all(tasks).stream().mapToInt(c -> c.changes().size()).sum();

    Map<KeyStatus, List<MinionId>> all = m2.list();
    assertThat(all.get(KeyStatus.ACCEPTED).size() + all.get(KeyStatus.REJECTED).size())
        .isEqualTo(30);
    assertThat(all.get(KeyStatus.PENDING)).isEmpty();
    assertThat(changed).isEqualTo(30); // a pending key moves once, to one place
    for (MinionId id : ids) {
      assertThat(m1.statuses(id)).hasSize(1);
    }
  }

  // --- the fence

  @Test
  void fencedStore_refusesOperatorDecisions_withTheFencesReason_butStillDecidesOnHandshakes()
      throws Exception {
    SharedKeyStore store = store();
    store.fence(
        tx -> {
          throw new FencedWriteException(
              "this master is a standby: writes go to the active master");
        });

    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.PENDING);
    assertThatThrownBy(() -> store.accept(List.of(WEB1), false, false))
        .hasMessage("this master is a standby: writes go to the active master");
    assertThatThrownBy(
            () ->
                store.importKeys(
                    List.of(new ImportedKey(MinionId.of("web2"), KeyStatus.ACCEPTED, keyB)),
                    false))
        .hasMessage("this master is a standby: writes go to the active master");
    assertThat(store.statuses(WEB1)).containsExactly(KeyStatus.PENDING);
    assertThat(store.statuses(MinionId.of("web2"))).isEmpty();

    store.fence(WriteFence.NONE);
    assertThat(store.accept(List.of(WEB1), false, false).changes()).hasSize(1);
  }

  // --- the vault sealed

  @Test
  void rowKeyNotLoaded_everyReadAndDecisionIsRefusedInOneLine_nothingIsWritten() throws Exception {
    AtomicReference<Optional<HmacSha256>> loaded = new AtomicReference<>(Optional.empty());
    SharedKeyStore store =
        SharedKeyStore.open(
            db.pool, WriteFence.NONE, loaded::get, AcceptancePolicy.manual(), dir.resolve("m.pub"));

    // KeysUnavailable: a handshake answers SEALED, with a reason fit for a stranger.
    assertThatThrownBy(() -> store.authorize(WEB1, keyA))
        .isInstanceOf(KeysUnavailable.class)
        .hasMessage(SharedKeyStore.SEALED)
        .extracting(e -> ((KeysUnavailable) e).answer())
        .isEqualTo(SharedKeyStore.NOT_LOADED);
    assertThatThrownBy(store::list).hasMessage(SharedKeyStore.SEALED);
    assertThatThrownBy(store::acceptedKeys).hasMessage(SharedKeyStore.SEALED);
    assertThatThrownBy(() -> store.delete(List.of(WEB1))).hasMessage(SharedKeyStore.SEALED);
    assertThat(history()).isEmpty();

    loaded.set(db.mac.get());
    assertThat(store.authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.PENDING);
    assertThat(store().statuses(WEB1)).containsExactly(KeyStatus.PENDING);
  }

  // --- moving a folder into the cluster

  @Test
  void importKeys_isOneTransaction_aFailurePartWayWritesNothing_andEachCopyIsInTheHistory()
      throws Exception {
    SharedKeyStore store = store();
    List<ImportedKey> keys =
        List.of(
            new ImportedKey(WEB1, KeyStatus.ACCEPTED, keyA),
            new ImportedKey(MinionId.of("web2"), KeyStatus.PENDING, keyB),
            new ImportedKey(MinionId.of("web3"), KeyStatus.REJECTED, keyA));
    int[] recorded = {0};
    store.recordDecisionsIn(
        (decision, id, pem) -> {
          if (++recorded[0] == 2) {
            throw new IllegalStateException("the audit device broke mid-batch");
          }
          return true;
        });

    assertThatThrownBy(() -> store.importKeys(keys, false))
        .hasMessage("the audit device broke mid-batch");
    assertThat(store.list().values()).allMatch(List::isEmpty);
    assertThat(history()).isEmpty();

    store.recordDecisionsIn(KeyDecisionLog.NONE);
    assertThat(store.importKeys(keys, false).imported()).hasSize(3);
    assertThat(history())
        .containsExactly(
            "web1 null>accepted import", "web2 null>pending import", "web3 null>rejected import");
    assertThat(store().authorize(WEB1, keyA).verdict()).isEqualTo(Verdict.ACCEPTED);
  }

  // --- the database gone

  @Test
  void databaseUnreachable_isOneClearError_andTheStoreWorksOnceItIsBack() throws Exception {
    try (PostgresServer own = PostgresServer.start();
        TestDatabase local = TestDatabase.on(own, 1_000)) {
      SharedKeyStore store =
          SharedKeyStore.open(
              local.pool,
              WriteFence.NONE,
              local.mac,
              AcceptancePolicy.manual(),
              dir.resolve("m.pub"));
      store.authorize(WEB1, keyA);
      own.stop();

      assertThatThrownBy(store::list)
          .isInstanceOf(java.io.IOException.class)
          .hasMessageStartingWith("minion key store (PostgreSQL) failed: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(own.password(), "\n"));
      // A handshake's decision: KeysUnavailable (answered SEALED), by the vault storage's rule.
      assertThatThrownBy(() -> store.authorize(WEB1, keyA))
          .isInstanceOf(KeysUnavailable.class)
          .hasMessageStartingWith("minion key store (PostgreSQL) unreachable: ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(own.password(), "\n"))
          .extracting(e -> ((KeysUnavailable) e).answer())
          .isEqualTo(SqlFailure.UNREACHABLE);
      // Each HELLO meanwhile does not wait out the pool again: right after a finding the next
      // is answered from it, with no cause (the database not asked). Twenty tries, each at
      // once after the last, so only a machine stalled past the recheck every time misses it.
      boolean answeredFromTheFinding = false;
      for (int i = 0; i < 20 && !answeredFromTheFinding; i++) {
        try {
          store.authorize(WEB1, keyA);
        } catch (KeysUnavailable e) {
          answeredFromTheFinding = e.getCause() == null;
        }
      }
      assertThat(answeredFromTheFinding).isTrue();

      own.restart();
      // Answered from the outage's finding for a moment after it (DatabaseOutage), then asked.
      assertThat(authorizeOnceBack(store, keyA).verdict()).isEqualTo(Verdict.PENDING);
    }
  }

  /** {@code store.authorize} of web1, again while it is KeysUnavailable, for up to 60 s. */
  private static AuthResult authorizeOnceBack(SharedKeyStore store, String key) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return store.authorize(WEB1, key);
      } catch (KeysUnavailable e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void mastersStartingAtOnce_createTheTablesOnce() throws Exception {
    List<Callable<SharedKeyStore>> opens = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      opens.add(this::store);
    }

    List<SharedKeyStore> stores = all(opens);

    stores.get(0).authorize(WEB1, keyA);
    assertThat(stores.get(5).statuses(WEB1)).containsExactly(KeyStatus.PENDING);
  }
}
