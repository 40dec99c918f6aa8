package io.brine.master.pki.shared;

import io.brine.crypto.rsa.Fingerprints;
import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeySource;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.UnreadableKeyException;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The rows of {@code brine_minion_keys} as {@link KeyRules} reads and changes them, on one
 * connection (in a transaction holding the ids' locks, or read-only). An id's rows are read once;
 * every change writes its history row beside it, and the log lines wait for the commit.
 */
final class RowSlots implements KeyRules.Slots {
  static final String TAMPERED =
      "its stored key fails the integrity check (changed or inserted outside brine)";

  private final Connection c;
  private final RowMac mac;
  private final TamperWarnings warnings;
  private final Map<MinionId, EnumMap<KeyStatus, KeyRow>> rows = new HashMap<>();
  private final List<String> transitions = new ArrayList<>();

  RowSlots(Connection c, RowMac mac, TamperWarnings warnings) {
    this.c = c;
    this.mac = mac;
    this.warnings = warnings;
  }

  private EnumMap<KeyStatus, KeyRow> rowsOf(MinionId id) throws SqlFailure {
    EnumMap<KeyStatus, KeyRow> of = rows.get(id);
    if (of != null) {
      return of;
    }
    of = new EnumMap<>(KeyStatus.class);
    try (PreparedStatement s = c.prepareStatement(KeyTables.ROWS_OF_ID)) {
      s.setString(1, id.value());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          KeyRow row = KeyRow.read(rs, mac, warnings);
          if (row != null) {
            of.put(row.status(), row);
          }
        }
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    rows.put(id, of);
    return of;
  }

  /** The intact row of {@code id} in {@code status}, or null (none, or refused). */
  KeyRow intact(KeyStatus status, MinionId id) throws SqlFailure {
    KeyRow row = rowsOf(id).get(status);
    return row != null && row.intact() ? row : null;
  }

  @Override
  public String read(KeyStatus status, MinionId id) throws IOException {
    KeyRow row = rowsOf(id).get(status);
    if (row == null) {
      return null;
    }
    if (!row.intact()) {
      throw new UnreadableKeyException(TAMPERED, true);
    }
    return row.pem();
  }

  @Override
  public boolean exists(KeyStatus status, MinionId id) throws IOException {
    return rowsOf(id).containsKey(status);
  }

  @Override
  public void write(KeyStatus status, MinionId id, String text, KeySource source)
      throws IOException {
    KeyStatus from = exists(status, id) ? status : null; // a denied key replaced by another
    upsert(status, id, text);
    record(id, from, status, text, source);
    if (source != KeySource.IMPORT) { // an import logs one summary line for all it copied
      transitions.add("key for minion " + id + " " + KeyRules.label(status));
    }
  }

  @Override
  public void move(MinionId id, KeyStatus from, KeyStatus to, String text, KeySource source)
      throws IOException {
    remove(from, id);
    upsert(to, id, text);
    record(id, from, to, text, source);
    transitions.add("key for minion " + id + " " + KeyRules.label(to));
  }

  @Override
  public boolean delete(KeyStatus status, MinionId id, KeySource source) throws IOException {
    KeyRow row = rowsOf(id).get(status);
    if (!remove(status, id)) {
      return false;
    }
    record(id, status, null, row != null && row.intact() ? row.pem() : null, source);
    transitions.add("key for minion " + id + " deleted (was " + KeyRules.label(status) + ")");
    return true;
  }

  @Override
  public int countPending() throws IOException {
    try (PreparedStatement s = c.prepareStatement(KeyTables.COUNT_IN_STATE)) {
      s.setString(1, KeyRules.label(KeyStatus.PENDING));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }

  /** The log lines of what the committed transaction changed, one INFO line each. */
  void logTransitions(Logger log) {
    transitions.forEach(log::info);
  }

  private void upsert(KeyStatus status, MinionId id, String text) throws SqlFailure {
    try (PreparedStatement s = c.prepareStatement(KeyTables.UPSERT)) {
      s.setString(1, id.value());
      s.setString(2, KeyRules.label(status));
      s.setString(3, text);
      s.setString(4, Fingerprints.salt(text));
      s.setBytes(5, mac.tag(id, status, text));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    rowsOf(id).put(status, new KeyRow(id, status, text, -1, Instant.now(), true));
  }

  private boolean remove(KeyStatus status, MinionId id) throws SqlFailure {
    int removed;
    try (PreparedStatement s = c.prepareStatement(KeyTables.DELETE)) {
      s.setString(1, id.value());
      s.setString(2, KeyRules.label(status));
      removed = s.executeUpdate();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    rowsOf(id).remove(status);
    return removed > 0;
  }

  private void record(MinionId id, KeyStatus from, KeyStatus to, String text, KeySource source)
      throws SqlFailure {
    try (PreparedStatement s = c.prepareStatement(KeyTables.RECORD)) {
      s.setString(1, id.value());
      s.setString(2, from == null ? null : KeyRules.label(from));
      s.setString(3, to == null ? null : KeyRules.label(to));
      s.setString(4, text == null ? null : Fingerprints.salt(text));
      s.setString(5, source.wireName());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
  }
}
