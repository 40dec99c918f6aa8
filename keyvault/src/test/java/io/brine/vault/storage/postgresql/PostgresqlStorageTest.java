package io.brine.vault.storage.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brine.vault.InitRequest;
import io.brine.vault.InitResult;
import io.brine.vault.SealedException;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.StorageContractTest;
import io.brine.vault.testing.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The vault's storage on a real PostgreSQL: OpenBao's layout, the fence, failures in one line. */
class PostgresqlStorageTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static PostgresServer.Database db;

  private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void database() {
    db = PostgresServer.shared().newDatabase();
  }

  @AfterEach
  void closeStorages() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Fresh tables in the class's database, so tests never see each other's rows. */
  private static PostgresqlConfig freshTables(String url) {
    int n = TABLES.incrementAndGet();
    return PostgresqlConfig.defaults(url).withTables("kv_" + n, "ha_" + n);
  }

  private PostgresqlStorage open(PostgresqlConfig config) throws VaultException {
    PostgresqlStorage storage = PostgresqlStorage.open(config);
    opened.add(storage);
    return storage;
  }

  /** The whole contract FileStorage and InMemoryStorage pass, on PostgreSQL. */
  @Nested
  class Contract extends StorageContractTest {
    @Override
    protected Storage newStorage() throws Exception {
      return open(freshTables(db.connectionUrl()));
    }
  }

  // ---------------------------------------------------------------- OpenBao's layout

  @Test
  void open_createsExactlyOpenBaosTablesColumnsAndIndex() throws Exception {
    PostgresServer.Database own = PostgresServer.shared().newDatabase();
    open(PostgresqlConfig.defaults(own.connectionUrl()).withHaEnabled(true));

    try (Connection c = own.connect()) {
      assertThat(columns(c, "openbao_kv_store"))
          .containsExactly(
              "parent_path text C NO", "path text C NO", "key text C NO", "value bytea null YES");
      assertThat(columns(c, "openbao_ha_locks"))
          .containsExactly(
              "ha_key text C NO",
              "ha_identity text C NO",
              "ha_value text C YES",
              "valid_until timestamp with time zone null NO");
      assertThat(indexes(c, "openbao_kv_store"))
          .containsExactlyInAnyOrder(
              "openbao_kv_store_pkey: CREATE UNIQUE INDEX openbao_kv_store_pkey"
                  + " ON public.openbao_kv_store USING btree (path, key)",
              "openbao_kv_store_idx: CREATE INDEX openbao_kv_store_idx"
                  + " ON public.openbao_kv_store USING btree (parent_path)");
      assertThat(indexes(c, "openbao_ha_locks"))
          .containsExactly(
              "openbao_ha_locks_pkey: CREATE UNIQUE INDEX openbao_ha_locks_pkey"
                  + " ON public.openbao_ha_locks USING btree (ha_key)");
      assertThat(primaryKey(c, "openbao_kv_store")).isEqualTo("openbao_kv_store_pkey");
      assertThat(primaryKey(c, "openbao_ha_locks")).isEqualTo("openbao_ha_locks_pkey");
    }
  }

  @Test
  void open_withoutHa_createsNoLockTable_andReopeningChangesNothing() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    open(config).put("a/b", utf8("1"));

    PostgresqlStorage again = open(config);

    assertThat(again.get("a/b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("1")));
    assertThat(again.haLock()).isEmpty();
    try (Connection c = db.connect()) {
      assertThat(columns(c, config.haTable())).isEmpty();
    }
  }

  @Test
  void put_splitsThePathAsOpenBao() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);

    storage.put("top", utf8("1"));
    storage.put("core/seal-config", utf8("2"));
    storage.put("barrier/sys/token/id/h1", utf8("3"));

    assertThat(rows(config.table()))
        .containsExactlyInAnyOrder(
            "[] [/] [top]",
            "[/] [/core/] [seal-config]",
            "[/barrier/sys/token/] [/barrier/sys/token/id/] [h1]");
  }

  @Test
  void rowsWrittenByOpenBaosOwnStatement_readAndListAsOpenBaoWouldThroughParentPath()
      throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    // OpenBao's put_query, verbatim in shape: positional columns, its split of each key.
    String openBaoPut =
        "INSERT INTO "
            + config.table()
            + " VALUES(?, ?, ?, ?) ON CONFLICT (path, key) DO"
            + " UPDATE SET (parent_path, path, key, value) = (?, ?, ?, ?)";
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(openBaoPut)) {
      for (String[] row :
          new String[][] {
            {"/", "/core/", "seal-config"},
            {"/sys/token/", "/sys/token/id/", "h1"},
            {"/sys/", "/sys/policy/", "default"},
            {"", "/", "top"}
          }) {
        for (int i = 0; i < 2; i++) {
          s.setString(1 + 4 * i, row[0]);
          s.setString(2 + 4 * i, row[1]);
          s.setString(3 + 4 * i, row[2]);
          s.setBytes(4 + 4 * i, utf8(row[2] + " value"));
        }
        s.executeUpdate();
      }
    }

    assertThat(storage.list("")).containsExactly("core/", "sys/", "top");
    assertThat(storage.list("sys/")).containsExactly("policy/", "token/");
    assertThat(storage.list("sys/token/")).containsExactly("id/");
    assertThat(storage.list("sys/token/id/")).containsExactly("h1");
    assertThat(storage.get("sys/token/id/h1"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("h1 value")));

    // A folder is found through parent_path, as OpenBao finds it: a row whose parent_path says
    // it lies elsewhere is not listed under its path.
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE " + config.table() + " SET parent_path = '/elsewhere/' WHERE key = 'default'");
    }
    assertThat(storage.list("sys/")).containsExactly("token/");
  }

  @Test
  void list_underscoreInThePrefix_isNotAWildcard() throws Exception {
    PostgresqlStorage storage = open(freshTables(db.connectionUrl()));
    storage.put("a_b/x/1", utf8("1"));
    storage.put("aXb/y/2", utf8("2"));
    storage.put("a_b/z", utf8("3"));

    assertThat(storage.list("a_b/")).containsExactly("x/", "z");
    assertThat(storage.list("aXb/")).containsExactly("y/");
  }

  @Test
  void list_skipsRowsWhoseNamesAreNotStoragePaths() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    storage.put("ok", utf8("1"));
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO "
              + config.table()
              + " VALUES ('', '/', 'has space', 'x'),"
              + " ('/', '/.hidden/', 'k', 'x')");
    }

    assertThat(storage.list("")).containsExactly("ok");
  }

  @Test
  void aTableNameWithAQuote_isQuotedAsOneIdentifier() throws Exception {
    int n = TABLES.incrementAndGet();
    PostgresqlConfig config =
        PostgresqlConfig.defaults(db.connectionUrl()).withTables("we\"ird." + n, "ha." + n);
    PostgresqlStorage storage = open(config);

    storage.put("a/b", utf8("1"));

    assertThat(storage.list("a/")).containsExactly("b");
    try (Connection c = db.connect()) {
      assertThat(columns(c, "we\"ird." + n)).hasSize(4);
    }
  }

  @Test
  void skipCreateTable_onAnEmptyDatabase_failsAtOpenInOneLine() {
    PostgresqlConfig base = freshTables(db.connectionUrl());
    PostgresqlConfig config =
        new PostgresqlConfig(
            base.connectionUrl(), base.table(), false, base.haTable(), 4, 0, 1, true);

    assertThatThrownBy(() -> open(config))
        .isInstanceOf(VaultException.class)
        .hasMessage(
            "PostgreSQL storage check of table "
                + base.table()
                + " failed: relation \""
                + base.table()
                + "\" does not exist");
  }

  // ---------------------------------------------------------------- the fence

  @Test
  void withHa_theFirstFenceRefusesEveryWrite_andReadsStillWork() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    open(config).put("core/x", utf8("before"));
    PostgresqlStorage standby = open(config.withHaEnabled(true));

    assertThatThrownBy(() -> standby.put("core/x", utf8("after")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessage("this master is a standby: writes go to the active master");
    assertThatThrownBy(() -> standby.delete("core/x")).isInstanceOf(FencedWriteException.class);

    assertThat(standby.get("core/x"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("before")));
    assertThat(standby.list("core/")).containsExactly("x");
    assertThat(standby.haLock()).isPresent();
  }

  @Test
  void theFence_runsInTheWritesOwnTransaction() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    AtomicLong fenceTransaction = new AtomicLong();
    storage.fence(
        tx -> {
          assertThat(tx.getAutoCommit()).isFalse();
          try (Statement s = tx.createStatement();
              ResultSet r = s.executeQuery("SELECT txid_current() % 4294967296")) {
            r.next();
            fenceTransaction.set(r.getLong(1));
          }
        });

    storage.put("a/b", utf8("1"));

    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT xmin::text FROM " + config.table() + " WHERE key = 'b'")) {
      r.next();
      assertThat(Long.parseLong(r.getString(1))).isEqualTo(fenceTransaction.get());
    }
  }

  @Test
  void aRefusingFence_leavesTheTableAsItWas() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    storage.put("a/b", utf8("kept"));
    storage.fence(
        tx -> {
          // Whatever the fence did in the transaction is rolled back with the refused write.
          try (Statement s = tx.createStatement()) {
            s.executeUpdate("DELETE FROM " + config.table());
          }
          throw new FencedWriteException("refused for the test");
        });

    assertThatThrownBy(() -> storage.put("a/b", utf8("new")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessage("refused for the test");
    assertThatThrownBy(() -> storage.delete("a/b")).isInstanceOf(FencedWriteException.class);

    storage.fence(WriteFence.NONE);
    assertThat(storage.get("a/b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("kept")));
  }

  @Test
  void dataSource_isThePoolOnTheSameDatabase() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    storage.put("p", utf8("v"));

    try (Connection c = storage.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + config.table())) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------- the vault over it

  @Test
  void aVaultOverIt_initUnsealSealUnseal_andTheDatabaseSeesCiphertextOnly() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    byte[] secret = utf8("minion master key: -----BEGIN PRIVATE KEY----- plaintext-4f1c");
    String root;
    String share;
    try (VaultCore vault = VaultCore.builder(open(config)).storageType("postgresql").build()) {
      InitResult init = vault.initialize(new InitRequest(1, 1, 0, 0));
      root = init.rootToken();
      share = init.keys().get(0);
      vault.submitUnsealKey(share, false);
      vault.barrier().put("secret/master-key", secret);
      vault.seal(root);
      assertThatThrownBy(() -> vault.barrier().get("secret/master-key"))
          .isInstanceOf(SealedException.class);
    }

    // A new process on the same database: unseal again, and the value is there.
    try (VaultCore vault = VaultCore.builder(open(config)).storageType("postgresql").build()) {
      assertThat(vault.sealStatus().initialized()).isTrue();
      vault.submitUnsealKey(share, false);
      assertThat(vault.sealStatus().sealed()).isFalse();
      assertThat(vault.barrier().get("secret/master-key"))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(secret));
      vault.checkToken(root);
    }

    List<byte[]> values = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT value FROM " + config.table())) {
      while (r.next()) {
        values.add(r.getBytes(1));
      }
    }
    assertThat(values).isNotEmpty();
    for (byte[] value : values) {
      assertThat(indexOf(value, secret)).as("the plaintext in a row").isNegative();
      assertThat(indexOf(value, utf8(root))).as("the root token in a row").isNegative();
      assertThat(indexOf(value, utf8(share))).as("the unseal key in a row").isNegative();
    }
    assertThat(rows(config.table())).anyMatch(row -> row.endsWith("[master-key]"));
  }

  // ---------------------------------------------------------------- failures

  @Test
  void theDatabaseStopped_operationsFailInOneLine_andAfterARestartNothingAcknowledgedIsLost()
      throws Exception {
    ListAppender<ILoggingEvent> logged = captureLogs();
    try (PostgresServer server = PostgresServer.start()) {
      PostgresServer.Database own = server.newDatabase();
      PostgresqlStorage storage =
          open(PostgresqlConfig.defaults(own.connectionUrl() + "&connect_timeout=1"));
      storage.put("core/acknowledged", utf8("v1"));
      storage.put("core/deleted", utf8("gone"));
      storage.delete("core/deleted");

      server.stop();

      String unreachable = "PostgreSQL storage unreachable at 127.0.0.1:" + server.port() + ": ";
      for (ThrowingCall call :
          List.<ThrowingCall>of(
              () -> storage.get("core/acknowledged"),
              () -> storage.put("core/late", utf8("never")),
              () -> storage.delete("core/acknowledged"),
              () -> storage.list("core/"))) {
        assertThatThrownBy(call::run)
            .isInstanceOf(VaultException.class)
            .hasMessageStartingWith(unreachable)
            .satisfies(
                e ->
                    assertThat(e.getMessage())
                        .doesNotContain(server.password())
                        .doesNotContain("\n"));
      }

      // A master started while the database is down waits for it with max_connect_retries 0.
      PostgresqlConfig waiting =
          new PostgresqlConfig(
              own.connectionUrl() + "&connect_timeout=1",
              "kv_waiting",
              false,
              "ha",
              4,
              0,
              0,
              false);
      ExecutorService starter = Executors.newSingleThreadExecutor();
      try {
        Future<PostgresqlStorage> late = starter.submit(() -> open(waiting));
        assertThat(late.isDone()).isFalse();

        server.restart();

        late.get(60, TimeUnit.SECONDS).put("started/late", utf8("ok"));
      } finally {
        starter.shutdownNow();
      }
      assertThat(storage.get("core/acknowledged"))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v1")));
      assertThat(storage.get("core/deleted")).isEmpty();
      assertThat(storage.get("core/late")).isEmpty();
      storage.put("core/after", utf8("v2"));
      assertThat(storage.list("core/")).containsExactly("acknowledged", "after");
    } finally {
      releaseLogs(logged);
    }
    assertOneLineWarningsOnly(logged);
  }

  @Test
  void open_nothingListening_failsInOneLineNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "postgres://brine:hunter2hunter2@127.0.0.1:" + port + "/brine?sslmode=disable";
    ListAppender<ILoggingEvent> logged = captureLogs();
    try {
      // Three attempts, OpenBao's backoff between them: still one line at the end.
      PostgresqlConfig config = new PostgresqlConfig(url, "kv", false, "ha", 4, 0, 3, false);
      assertThatThrownBy(() -> open(config))
          .isInstanceOf(VaultException.class)
          .hasMessage(
              "PostgreSQL storage unreachable at 127.0.0.1:" + port + ": Connection refused");
    } finally {
      releaseLogs(logged);
    }
    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "PostgreSQL storage unreachable at 127.0.0.1:"
                + port
                + ": Connection refused; retrying");
    assertOneLineWarningsOnly(logged);
  }

  @Test
  void everyConnectionInUse_saysThePoolIsBusy_notThatTheDatabaseIsDown() throws Exception {
    PostgresqlConfig base = freshTables(db.connectionUrl() + "&connect_timeout=1");
    PostgresqlStorage storage =
        open(
            new PostgresqlConfig(
                base.connectionUrl(), base.table(), false, base.haTable(), 1, 0, 1, false));

    try (Connection taken = storage.dataSource().getConnection()) {
      assertThat(taken.isValid(1)).as("the pool's one connection, held here").isTrue();
      assertThatThrownBy(() -> storage.get("core/x"))
          .isInstanceOf(VaultException.class)
          .hasMessage(
              "PostgreSQL storage busy: no free connection for the read of core/x"
                  + " (raise max_parallel?)");
    }
    assertThat(storage.get("core/x")).isEmpty();
  }

  @Test
  void open_wrongPassword_saysTheLoginWasRefusedWithoutThePassword() {
    String url = db.connectionUrl().replace(db.server().password(), "wrong-password-123");

    assertThatThrownBy(() -> open(PostgresqlConfig.defaults(url)))
        .isInstanceOf(VaultException.class)
        .hasMessage(
            "PostgreSQL storage at 127.0.0.1:"
                + db.server().port()
                + " refused the connection: password authentication failed for user \"brine\"")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-password-123"));
  }

  @Test
  void toString_ofStorageAndConfig_neverShowThePassword() throws Exception {
    PostgresqlConfig config = freshTables(db.connectionUrl());
    PostgresqlStorage storage = open(config);
    String password = db.server().password();

    assertThat(storage.toString())
        .isEqualTo(
            "PostgresqlStorage[127.0.0.1:"
                + db.server().port()
                + ", table "
                + config.table()
                + "]");
    assertThat(config.toString())
        .doesNotContain(password)
        .contains("connection_url=postgres://brine:***@127.0.0.1:")
        .contains("table=" + config.table() + ", ha_enabled=false, ha_table=" + config.haTable())
        .endsWith(
            "max_parallel=128, max_idle_connections=2, max_connect_retries=1,"
                + " skip_create_table=false]");
  }

  // ---------------------------------------------------------------- helpers

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger)
            LoggerFactory.getLogger("io.brine.vault.storage.postgresql");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  private static void releaseLogs(ListAppender<ILoggingEvent> appender) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.brine.vault.storage.postgresql"))
        .detachAppender(appender);
  }

  /** brine's own lines at WARN and above: one line each, no stack trace, no password. */
  private static void assertOneLineWarningsOnly(ListAppender<ILoggingEvent> logged) {
    for (ILoggingEvent event : logged.list) {
      if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
        assertThat(event.getThrowableProxy()).as(event.getFormattedMessage()).isNull();
        assertThat(event.getFormattedMessage()).doesNotContain("\n", "hunter2");
      }
    }
  }

  private static List<String> columns(Connection c, String table) throws Exception {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT column_name, data_type, collation_name, is_nullable FROM"
                + " information_schema.columns WHERE table_name = ? ORDER BY ordinal_position")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          columns.add(
              r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4));
        }
      }
    }
    return columns;
  }

  private static List<String> indexes(Connection c, String table) throws Exception {
    List<String> indexes = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ?")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          indexes.add(r.getString(1) + ": " + r.getString(2));
        }
      }
    }
    return indexes;
  }

  private static String primaryKey(Connection c, String table) throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT constraint_name FROM information_schema.table_constraints"
                + " WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private static List<String> rows(String table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT parent_path, path, key FROM " + Tables.quote(table))) {
      while (r.next()) {
        rows.add("[" + r.getString(1) + "] [" + r.getString(2) + "] [" + r.getString(3) + "]");
      }
    }
    return rows;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
