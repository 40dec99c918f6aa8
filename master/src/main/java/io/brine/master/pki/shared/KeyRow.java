package io.brine.master.pki.shared;

import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.protocol.MinionId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * One row of {@code brine_minion_keys} as read, its tag checked.
 *
 * @param pem the key text; null when the row is not {@code intact}
 * @param intact true when the row's tag verifies: only then is it a key
 */
record KeyRow(
    MinionId id, KeyStatus status, String pem, long version, Instant changed, boolean intact) {
  /**
   * The row at {@code rs}'s cursor ({@link KeyTables#COLUMNS}), or null when it is no row brine
   * writes (an invalid id or state; warned about once).
   */
  static KeyRow read(ResultSet rs, RowMac mac, TamperWarnings warnings) throws SQLException {
    String rawId = rs.getString(1);
    String state = rs.getString(2);
    KeyStatus status = status(state);
    if (rawId == null || !MinionId.isValid(rawId) || status == null) {
      warnings.invalid(rawId, state);
      return null;
    }
    MinionId id = MinionId.of(rawId);
    String pem = rs.getString(3);
    byte[] tag = rs.getBytes(6);
    Timestamp changed = rs.getTimestamp(5);
    boolean intact = mac.verifies(id, status, pem, tag);
    if (!intact) {
      warnings.tampered(rawId, state, tag);
    }
    return new KeyRow(
        id,
        status,
        intact ? pem : null,
        rs.getLong(4),
        changed == null ? Instant.EPOCH : changed.toInstant(),
        intact);
  }

  /** The status a state name stands for ({@link KeyRules#label}), or null. */
  static KeyStatus status(String state) {
    for (KeyStatus s : KeyStatus.values()) {
      if (KeyRules.label(s).equals(state)) {
        return s;
      }
    }
    return null;
  }
}
