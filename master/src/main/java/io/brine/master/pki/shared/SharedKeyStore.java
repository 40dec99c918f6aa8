package io.brine.master.pki.shared;

import io.brine.common.files.DurableFiles;
import io.brine.crypto.mac.HmacSha256;
import io.brine.crypto.rsa.Pem;
import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.AcceptedKeys;
import io.brine.master.pki.AuthResult;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyDecisionLog;
import io.brine.master.pki.KeyImport;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.KeysUnavailable;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.Hello;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.interfaces.RSAPublicKey;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion keys of a cluster of masters, in PostgreSQL: every master's handshakes and the
 * operator's {@code brine key} on the active master see and change one set, with the decisions of
 * {@link PkiDirectory} ({@link KeyRules}, the same code). Tables {@code brine_minion_keys} (one row
 * per id and state: the key's PEM, its fingerprint, a version and when it changed, and an integrity
 * tag) and {@code brine_key_decisions} (the history: what changed, from which state to which, why:
 * {@link io.brine.master.pki.KeySource}).
 *
 * <p>What a database writer can do: every row carries an HMAC-SHA-256 tag over its id, state and
 * key under a key the database never sees (from the vault), checked on every read; a row changed or
 * inserted outside brine is treated as no key, with one WARN line naming the id, so a writer cannot
 * accept a key or swap one. It can delete rows (a denial of service the HA lock's database allows
 * anyway) and, as with the vault's own barrier, put back a row this store once wrote (an accepted
 * key an operator has since deleted): telling a restored row from a current one needs state outside
 * the database.
 *
 * <p>Concurrency: each decision runs in one transaction holding the advisory locks of its ids
 * (taken in one order, so two masters deciding on one id at once get one consistent outcome: the
 * second sees what the first wrote); a serialization failure or deadlock is retried. A minion
 * presenting its accepted key again is answered from one read, with no lock and no write. An
 * operator's decision is made only where {@link #fence} lets it (the active master), in batches of
 * {@value #BATCH} ids, each its own transaction (a batch that fails leaves those before it done;
 * their removals reach the listener through {@link #watchAccepted}).
 *
 * <p>Removals made on another master are reported by {@link #watchAccepted}, which reads the
 * history every second ({@link DecisionsPoll}); {@link #acceptedKeyRemovals} counts this instance's
 * own, as the folder's does.
 */
public final class SharedKeyStore implements MinionKeyStore {
  private static final Logger log = LoggerFactory.getLogger(SharedKeyStore.class);

  /** Ids per operator transaction: each holds one advisory lock per id until it commits. */
  static final int BATCH = 64;

  private static final int MAX_ATTEMPTS = 5;

  static final String SEALED =
      "minion keys cannot be read or decided on while the vault is sealed (the cluster's key-row"
          + " MAC key is not loaded)";

  /** What a minion is told while the row key is not loaded (a SEALED answer, to anyone). */
  static final String NOT_LOADED = "the cluster's minion keys are not loaded on this master yet";

  private final DataSource db;
  private final Supplier<Optional<HmacSha256>> mac;
  private final KeyRules rules;
  private final Path masterPublicKeyFile;
  private final TamperWarnings warnings = new TamperWarnings();
  private final DatabaseOutage outage;
  private volatile WriteFence fence;

  private SharedKeyStore(
      DataSource db,
      WriteFence fence,
      Supplier<Optional<HmacSha256>> mac,
      AcceptancePolicy policy,
      Path masterPublicKeyFile) {
    this.db = db;
    this.fence = fence;
    this.mac = mac;
    this.rules = new KeyRules(policy);
    this.masterPublicKeyFile = masterPublicKeyFile;
    this.outage = DatabaseOutage.of(db);
  }

  /**
   * Opens the store on {@code db}, creating its tables when they are missing.
   *
   * @param fence what an operator's decision and an import must pass (the HA lock's fence on a
   *     cluster; {@link WriteFence#NONE} alone); changed later with {@link #fence}
   * @param mac the key of the rows' integrity tags ({@code ClusterSecrets#keyMac}): the same on
   *     every master of the cluster, never in the database; while it is empty (the vault sealed)
   *     every read and write of a key is refused with one clear line
   * @param masterPublicKeyFile the master's {@code master.pub} ({@code MasterConfig
   *     #masterPublicKeyFile}), for {@link #masterPublicKeyPem}
   * @throws IOException when the database cannot be reached or the tables cannot be made
   */
  public static SharedKeyStore open(
      DataSource db,
      WriteFence fence,
      Supplier<Optional<HmacSha256>> mac,
      AcceptancePolicy policy,
      Path masterPublicKeyFile)
      throws IOException {
    SharedKeyStore store =
        new SharedKeyStore(
            Objects.requireNonNull(db, "db"),
            Objects.requireNonNull(fence, "fence"),
            Objects.requireNonNull(mac, "mac"),
            Objects.requireNonNull(policy, "policy"),
            Objects.requireNonNull(masterPublicKeyFile, "masterPublicKeyFile"));
    try {
      KeyTables.create(db);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    return store;
  }

  /**
   * Replaces the fence operator decisions pass: the HA coordinator's, as this master's role
   * changes.
   */
  public void fence(WriteFence fence) {
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  @Override
  public void limitPendingKeys(int max) {
    rules.limitPendingKeys(max);
  }

  @Override
  public void recordDecisionsIn(KeyDecisionLog decisions) {
    rules.recordDecisionsIn(decisions);
  }

  @Override
  public Set<KeyStatus> statuses(MinionId id) throws IOException {
    Set<KeyStatus> statuses = EnumSet.noneOf(KeyStatus.class);
    RowMac rowMac = rowMac();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.ROWS_OF_ID)) {
      s.setString(1, id.value());
      for (KeyRow row : intactRows(s, rowMac)) {
        statuses.add(row.status());
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    return statuses;
  }

  @Override
  public Map<KeyStatus, List<MinionId>> list() throws IOException {
    Map<KeyStatus, TreeSet<MinionId>> sorted = new EnumMap<>(KeyStatus.class);
    for (KeyStatus status : KeyStatus.values()) {
      sorted.put(status, new TreeSet<>());
    }
    RowMac rowMac = rowMac();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.ALL_ROWS)) {
      for (KeyRow row : intactRows(s, rowMac)) {
        sorted.get(row.status()).add(row.id());
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    Map<KeyStatus, List<MinionId>> all = new EnumMap<>(KeyStatus.class);
    sorted.forEach((status, ids) -> all.put(status, List.copyOf(ids)));
    return all;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A row's stamp is its version (new at every write), when it changed and the key's length.
   */
  @Override
  public AcceptedKeys acceptedKeys() throws IOException {
    long listedAt = System.nanoTime(); // before the query's snapshot: see AcceptedKeys#listedAt
    TreeMap<MinionId, AcceptedKeys.Stamp> stamps = new TreeMap<>();
    RowMac rowMac = rowMac();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.ROWS_IN_STATE)) {
      s.setString(1, KeyRules.label(KeyStatus.ACCEPTED));
      for (KeyRow row : intactRows(s, rowMac)) {
        stamps.put(row.id(), stamp(row));
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    return new AcceptedKeys(stamps, rules.acceptedKeyRemovals(), listedAt);
  }

  @Override
  public Optional<AcceptedKeys.Stamp> acceptedKeyStamp(MinionId id) throws IOException {
    return row(KeyStatus.ACCEPTED, id).map(SharedKeyStore::stamp);
  }

  @Override
  public long acceptedKeyRemovals() {
    return rules.acceptedKeyRemovals();
  }

  @Override
  public Optional<String> publicKeyPem(KeyStatus status, MinionId id) throws IOException {
    return row(status, id).map(KeyRow::pem);
  }

  /**
   * Read from {@code master.pub}: the master key itself lives in the vault, one for the cluster.
   */
  @Override
  public Optional<String> masterPublicKeyPem() throws IOException {
    byte[] pem = DurableFiles.read(masterPublicKeyFile, KeyTables.MAX_KEY_BYTES);
    return pem == null ? Optional.empty() : Optional.of(new String(pem, StandardCharsets.UTF_8));
  }

  @Override
  public AuthResult authorize(MinionId id, String publicKeyPem)
      throws InvalidKeyException, IOException {
    return authorize(id, Pem.readPublicKey(publicKeyPem), publicKeyPem, () -> true);
  }

  @Override
  public AuthResult authorize(Hello hello, BooleanSupplier mayRecordNewId) throws IOException {
    return authorize(hello.id(), hello.publicKey(), hello.publicKeyPem(), mayRecordNewId);
  }

  /**
   * {@code presented} is {@code text} parsed, as {@link Hello} and the caller above guarantee. A
   * database that cannot be reached is {@link KeysUnavailable}, as is the row key not loaded;
   * while it is known to be unreachable, at once ({@link DatabaseOutage}).
   */
  private AuthResult authorize(
      MinionId id, RSAPublicKey presented, String text, BooleanSupplier mayRecordNewId)
      throws IOException {
    RowMac rowMac = rowMac();
    outage.before();
    KeysUnavailable unreachable = null;
    try {
      AuthResult known;
      try (Connection c = db.getConnection()) {
        known = rules.alreadyAccepted(new RowSlots(c, rowMac, warnings), id, presented, text);
      } catch (SQLException e) {
        throw new SqlFailure(e);
      }
      if (known != null) {
        return known;
      }
      return transaction(
          false, List.of(id), slots -> rules.authorize(slots, id, presented, text, mayRecordNewId));
    } catch (SqlFailure e) {
      IOException reported = e.unreachableOrThis();
      unreachable = reported instanceof KeysUnavailable k ? k : null;
      throw reported;
    } finally {
      outage.after(unreachable);
    }
  }

  @Override
  public KeyChanges accept(Collection<MinionId> ids, boolean includeRejected, boolean includeDenied)
      throws IOException {
    return inBatches(
        ids, (slots, batch) -> rules.accept(slots, batch, includeRejected, includeDenied));
  }

  @Override
  public KeyChanges reject(Collection<MinionId> ids, boolean includeAccepted, boolean includeDenied)
      throws IOException {
    return inBatches(
        ids, (slots, batch) -> rules.reject(slots, batch, includeAccepted, includeDenied));
  }

  @Override
  public KeyChanges delete(Collection<MinionId> ids) throws IOException {
    return inBatches(ids, rules::delete);
  }

  @Override
  public Watch watchAccepted(Watcher watcher) throws IOException {
    return DecisionsPoll.start(db, watcher);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The newest decision of each id that left or entered accepted must be one that left it (a
   * delete, a reject): its number in the history. A replacement (a decision entering accepted) or
   * a row gone without a decision (an operator's SQL) has none, nor an id accepted again since.
   */
  @Override
  public OptionalLong removalNumber(Collection<MinionId> ids) throws IOException {
    if (ids.isEmpty()) {
      return OptionalLong.empty();
    }
    String accepted = KeyRules.label(KeyStatus.ACCEPTED);
    Set<String> unnumbered = new TreeSet<>();
    ids.forEach(id -> unnumbered.add(id.value()));
    long highest = 0;
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.LAST_ACCEPTED_DECISIONS)) {
      Array array = c.createArrayOf("text", unnumbered.toArray());
      try {
        s.setArray(1, array);
        s.setString(2, accepted);
        s.setString(3, accepted);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            boolean leftAccepted =
                accepted.equals(rs.getString(3)) && !accepted.equals(rs.getString(4));
            if (leftAccepted) {
              unnumbered.remove(rs.getString(1));
              highest = Math.max(highest, rs.getLong(2));
            }
          }
        }
      } finally {
        array.free();
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    return unnumbered.isEmpty() ? OptionalLong.of(highest) : OptionalLong.empty();
  }

  /**
   * The highest number of a removal of an accepted key in the history such that no removal
   * numbered below it can still commit, for the {@code removals_through} of the publish key the
   * active master makes next ({@code SharedPublishKey}). Numbers come from a sequence, so a
   * transaction may commit a lower one after a higher one is visible; the history is therefore
   * read under a table lock that waits for every transaction writing it to end (every writer, on
   * every master, of every version, without their cooperation). The lock is held for one query;
   * handshakes recording a new key on any master wait that long.
   *
   * @throws IOException when the database cannot be asked, or the lock is not granted in 5 s
   */
  public long removalsCommittedThrough() throws IOException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement();
          PreparedStatement s = c.prepareStatement(KeyTables.REMOVALS_THROUGH)) {
        st.execute(KeyTables.HISTORY_LOCK_TIMEOUT);
        // Before the query: its snapshot (read committed, or the transaction's under repeatable
        // read, which LOCK does not take) then holds every writer that was running.
        st.execute(KeyTables.LOCK_HISTORY);
        s.setString(1, KeyRules.label(KeyStatus.ACCEPTED));
        long through;
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          through = rs.getLong(1);
        }
        c.commit();
        return through;
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction holding the locks of every id, after the fence (the active master only):
   * a batch is all written or none. Each key written is in the history with source {@code import}.
   */
  @Override
  public KeyImport importKeys(Collection<ImportedKey> keys, boolean dryRun) throws IOException {
    ImportedKey.checkBatch(keys);
    List<MinionId> ids = keys.stream().map(ImportedKey::id).distinct().toList();
    KeyImport result = transaction(true, ids, slots -> rules.importKeys(slots, keys, dryRun));
    log.info("key import into the shared key store: {}", result.summary());
    return result;
  }

  // --- the database

  @FunctionalInterface
  private interface Work<T> {
    T run(RowSlots slots) throws IOException;
  }

  @FunctionalInterface
  private interface BatchWork {
    KeyChanges run(RowSlots slots, List<MinionId> batch) throws IOException;
  }

  /** An operator's transition, fenced, {@link #BATCH} ids per transaction, the results joined. */
  private KeyChanges inBatches(Collection<MinionId> ids, BatchWork work) throws IOException {
    List<MinionId> sorted = List.copyOf(new TreeSet<>(ids));
    List<KeyChanges.Change> changes = new ArrayList<>();
    List<KeyChanges.Refusal> refused = new ArrayList<>();
    boolean acceptedRemoved = false;
    for (int i = 0; i < sorted.size(); i += BATCH) {
      List<MinionId> batch = sorted.subList(i, Math.min(sorted.size(), i + BATCH));
      KeyChanges part = transaction(true, batch, slots -> work.run(slots, batch));
      changes.addAll(part.changes());
      refused.addAll(part.refused());
      acceptedRemoved |= part.acceptedKeyRemoved();
    }
    return new KeyChanges(changes, refused, acceptedRemoved);
  }

  /**
   * Runs {@code work} in one transaction holding the locks of {@code ids}, after the fence when
   * {@code fenced}; again on a serialization failure or a deadlock. The log lines of what it
   * changed are written once it has committed.
   */
  private <T> T transaction(boolean fenced, Collection<MinionId> ids, Work<T> work)
      throws IOException {
    RowMac rowMac = rowMac();
    for (int attempt = 1; ; attempt++) {
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        RowSlots slots = new RowSlots(c, rowMac, warnings);
        T result;
        try {
          if (fenced) {
            fence.check(c);
          }
          lock(c, ids);
          result = work.run(slots);
          c.commit();
        } catch (SQLException | IOException | FencedWriteException | RuntimeException e) {
          rollback(c);
          throw e;
        }
        slots.logTransitions(log);
        return result;
      } catch (SqlFailure e) {
        if (!SqlFailure.retryable(e.sql()) || attempt == MAX_ATTEMPTS) {
          throw e;
        }
      } catch (SQLException e) {
        if (!SqlFailure.retryable(e) || attempt == MAX_ATTEMPTS) {
          throw new SqlFailure(e);
        }
      } catch (FencedWriteException e) {
        throw new IOException(e.getMessage(), e);
      }
      log.debug("minion key transaction retried (attempt {})", attempt + 1);
    }
  }

  /** The ids' advisory locks, by hash in ascending order: every transaction takes them alike. */
  private static void lock(Connection c, Collection<MinionId> ids) throws SQLException {
    Integer[] keys =
        ids.stream().map(id -> id.value().hashCode()).distinct().sorted().toArray(Integer[]::new);
    Array array = c.createArrayOf("integer", keys);
    try (PreparedStatement s = c.prepareStatement(KeyTables.LOCK_IDS)) {
      s.setInt(1, KeyTables.ID_LOCK_CLASS);
      s.setArray(2, array);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          // each row is one lock taken
        }
      }
    } finally {
      array.free();
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback of a minion key transaction", e); // the connection is closed next
    }
  }

  private Optional<KeyRow> row(KeyStatus status, MinionId id) throws IOException {
    RowMac rowMac = rowMac();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.ROW)) {
      s.setString(1, id.value());
      s.setString(2, KeyRules.label(status));
      List<KeyRow> rows = intactRows(s, rowMac);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /** The rows' MAC as it is now: refused while the cluster's keys are not loaded. */
  private RowMac rowMac() throws KeysUnavailable {
    return new RowMac(mac.get().orElseThrow(() -> new KeysUnavailable(SEALED, NOT_LOADED, null)));
  }

  /** The rows {@code s} selects ({@link KeyTables#COLUMNS}) whose tags verify. */
  private List<KeyRow> intactRows(PreparedStatement s, RowMac rowMac) throws SQLException {
    List<KeyRow> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        KeyRow row = KeyRow.read(rs, rowMac, warnings);
        if (row != null && row.intact()) {
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static AcceptedKeys.Stamp stamp(KeyRow row) {
    return new AcceptedKeys.Stamp(row.version(), row.changed(), row.pem().length());
  }
}
