package io.brine.master.jobs.shared;

import io.brine.crypto.aead.Aead;
import io.brine.master.grains.GrainStore;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's grains: one row per minion in {@code brine_minion_grains}, its grains sealed with the
 * cluster's data key as the job rows are ({@link RowCipher}, the minion's id in the associated
 * data, so a row moved to another minion does not open), so every master resolves a grain target
 * on the same grains, whichever master each minion is connected to. Any master writes the grains
 * of the minions connected to it (as it writes their returns); a master does not write again
 * grains it wrote last and that did not change. A row that does not open is one WARN line and
 * counts as no grains. Thread-safe.
 */
public final class SharedGrainStore implements GrainStore {
  private static final Logger log = LoggerFactory.getLogger(SharedGrainStore.class);

  private final DataSource db;
  private final RowCipher cipher;
  /** SHA-256 of the grains this master last wrote per minion. */
  private final Map<MinionId, byte[]> written = new ConcurrentHashMap<>();

  private SharedGrainStore(DataSource db, Aead aead) {
    this.db = db;
    this.cipher = new RowCipher(aead);
  }

  /** Creates the table unless it exists. */
  public static SharedGrainStore open(DataSource db, Aead aead) throws IOException {
    JobTables.ensureGrainsTable(db);
    return new SharedGrainStore(db, aead);
  }

  @Override
  public void put(MinionId id, byte[] json) throws IOException {
    byte[] digest = sha256(json);
    byte[] before = written.get(id);
    if (before != null && Arrays.equals(before, digest)) {
      return;
    }
    byte[] sealed = cipher.seal(json, RowCipher.grains(id.value()));
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + JobTables.GRAINS + " (minion, updated, grains) VALUES (?, now(), ?)"
                    + " ON CONFLICT (minion) DO UPDATE SET updated = now(), grains = EXCLUDED.grains")) {
      ps.setString(1, id.value());
      ps.setBytes(2, sealed);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot store the grains of minion " + id, e);
    }
    written.put(id, digest);
  }

  @Override
  public void remove(MinionId id) throws IOException {
    written.remove(id);
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("DELETE FROM " + JobTables.GRAINS + " WHERE minion = ?")) {
      ps.setString(1, id.value());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot delete the grains of minion " + id, e);
    }
  }

  /** One query for every row; each minion's opened and parsed only when a target asks. */
  @Override
  public Snapshot snapshot() throws IOException {
    Map<MinionId, byte[]> rows = new HashMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT minion, grains FROM " + JobTables.GRAINS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          rows.put(MinionId.of(rs.getString(1)), rs.getBytes(2));
        } catch (IllegalArgumentException e) {
          log.warn("a grains row names no valid minion id; ignored");
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot read the minions' grains", e);
    }
    return new Snapshot() {
      @Override
      public Map<String, Object> grains(MinionId id) {
        byte[] sealed = rows.get(id);
        if (sealed == null) {
          return null;
        }
        try {
          Optional<byte[]> json = cipher.open(sealed, RowCipher.grains(id.value()));
          if (json.isEmpty()) {
            log.warn("the grains row of minion {} does not open (tampered with, or moved); ignored", id);
            return null;
          }
          return GrainsDocument.decode(json.get());
        } catch (IOException | ProtocolException e) {
          log.warn("cannot use the grains of minion {}: {}", id, e.getMessage());
          return null;
        }
      }

      @Override
      public int size() {
        return rows.size();
      }
    };
  }

  private static byte[] sha256(byte[] json) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(json);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
