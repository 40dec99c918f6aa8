package io.brine.master.pki.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The shared store's tables, readable by an operator's SQL: one row per (minion, state) with the
 * key as PEM text, its fingerprint as {@code salt-key -f} shows it, and its integrity tag; and the
 * history of every change.
 */
final class KeyTables {
  private KeyTables() {}

  /** Advisory lock class of the minion ids (the second key is the id's hash). */
  static final int ID_LOCK_CLASS = 0x62726b69; // "brki"

  /** Advisory lock class under which the masters create the tables, one at a time. */
  static final int SCHEMA_LOCK_CLASS = 0x62726b73; // "brks"

  /** A public key PEM is a few KB even at 16384 bits; a longer value is never read. */
  static final int MAX_KEY_BYTES = 64 * 1024;

  // An id keeps at most one key per state, as a folder keeps one file per folder: an accepted
  // (or pending) key and a second, denied one can stand side by side, as in Salt.
  private static final List<String> SCHEMA =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS brine_minion_keys (
            id text NOT NULL,
            state text NOT NULL CHECK (state IN ('accepted', 'pending', 'rejected', 'denied')),
            public_key_pem text NOT NULL,
            fingerprint text NOT NULL,
            version bigint NOT NULL,
            changed timestamptz NOT NULL,
            mac bytea NOT NULL,
            PRIMARY KEY (id, state)
          )\
          """,
          "CREATE INDEX IF NOT EXISTS brine_minion_keys_state ON brine_minion_keys (state)",
          "CREATE SEQUENCE IF NOT EXISTS brine_minion_keys_version",
          """
          CREATE TABLE IF NOT EXISTS brine_key_decisions (
            seq bigserial PRIMARY KEY,
            id text NOT NULL,
            from_state text,
            to_state text,
            fingerprint text,
            source text NOT NULL,
            at timestamptz NOT NULL DEFAULT now()
          )\
          """);

  /** What every read selects, in {@link KeyRow#read}'s order; an oversized key reads as null. */
  static final String COLUMNS =
      "id, state, CASE WHEN octet_length(public_key_pem) <= "
          + MAX_KEY_BYTES
          + " THEN public_key_pem END, version, changed, mac";

  static final String ROWS_OF_ID = "SELECT " + COLUMNS + " FROM brine_minion_keys WHERE id = ?";

  static final String ROW = ROWS_OF_ID + " AND state = ?";

  static final String ALL_ROWS = "SELECT " + COLUMNS + " FROM brine_minion_keys";

  static final String ROWS_IN_STATE = ALL_ROWS + " WHERE state = ?";

  static final String COUNT_IN_STATE = "SELECT count(*) FROM brine_minion_keys WHERE state = ?";

  static final String UPSERT =
      """
      INSERT INTO brine_minion_keys (id, state, public_key_pem, fingerprint, version, changed, mac)
      VALUES (?, ?, ?, ?, nextval('brine_minion_keys_version'), clock_timestamp(), ?)
      ON CONFLICT (id, state) DO UPDATE SET
        public_key_pem = EXCLUDED.public_key_pem, fingerprint = EXCLUDED.fingerprint,
        version = EXCLUDED.version, changed = EXCLUDED.changed, mac = EXCLUDED.mac\
      """;

  static final String DELETE = "DELETE FROM brine_minion_keys WHERE id = ? AND state = ?";

  static final String RECORD =
      "INSERT INTO brine_key_decisions (id, from_state, to_state, fingerprint, source)"
          + " VALUES (?, ?, ?, ?, ?)";

  /** Takes the locks of the ids' hashes, in ascending order, for the rest of the transaction. */
  static final String LOCK_IDS = "SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int[]) AS k";

  static final String LAST_DECISION = "SELECT coalesce(max(seq), 0) FROM brine_key_decisions";

  /**
   * Waits for every transaction writing the history to end and keeps new ones out until commit:
   * SHARE conflicts with the ROW EXCLUSIVE every INSERT takes before its {@code seq} is drawn. So
   * no number below the highest committed one can commit later ({@link
   * SharedKeyStore#removalsCommittedThrough}); numbers drawn after it are higher (the sequence of a
   * {@code bigserial} has CACHE 1, so every session draws in order). The masters' role has UPDATE on the table (the
   * operator guide's grants), which LOCK TABLE ... SHARE requires.
   */
  static final String LOCK_HISTORY = "LOCK TABLE brine_key_decisions IN SHARE MODE";

  /** How long {@link #LOCK_HISTORY} may wait before the rotation gives up for now. */
  static final String HISTORY_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";

  /** The highest number of a removal of an accepted key (a decision leaving accepted). */
  static final String REMOVALS_THROUGH =
      "SELECT coalesce(max(seq), 0) FROM brine_key_decisions WHERE from_state = ?"
          + " AND to_state IS DISTINCT FROM from_state";

  /**
   * For each of the ids, its newest decision that took an accepted key away or wrote one: the
   * accepted key it had last went by that decision only if it left accepted.
   */
  static final String LAST_ACCEPTED_DECISIONS =
      "SELECT DISTINCT ON (id) id, seq, from_state, to_state FROM brine_key_decisions"
          + " WHERE id = ANY(?) AND (from_state = ? OR to_state = ?) ORDER BY id, seq DESC";

  static final String DECISIONS_AFTER =
      "SELECT seq, id, from_state, to_state FROM brine_key_decisions WHERE seq > ? ORDER BY seq"
          + " LIMIT ?";

  /**
   * Creates what is missing; two masters starting at once take turns (CREATE ... IF NOT EXISTS
   * races).
   */
  static void create(DataSource db) throws SQLException {
    try (Connection c = db.getConnection()) {
      if (allExist(c)) {
        return; // looked up first: a role without CREATE on the schema still starts
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_CLASS + ", 0)");
        for (String statement : SCHEMA) {
          s.execute(statement);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static boolean allExist(Connection c) throws SQLException {
    for (String table : new String[] {"brine_minion_keys", "brine_key_decisions"}) {
      try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getBoolean(1)) {
            return false;
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT to_regclass('brine_minion_keys_version') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
