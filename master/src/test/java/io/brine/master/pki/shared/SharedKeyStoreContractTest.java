package io.brine.master.pki.shared;

import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.ImportedKey;
import io.brine.master.pki.KeyImport;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.pki.MinionKeyStoreContract;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The decisions on PostgreSQL: the same table as the folders'. A key is put in place by importing it, as
 * an operator moving a master into a cluster does ({@code brine key --import}).
 */
class SharedKeyStoreContractTest extends MinionKeyStoreContract {
  private static TestDatabase db;

  @BeforeAll
  static void database() {
    db = TestDatabase.create();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Override
  protected MinionKeyStore fresh() throws IOException {
    MinionKeyStore store = open(AcceptancePolicy.manual());
    try {
      db.execute("TRUNCATE brine_minion_keys, brine_key_decisions RESTART IDENTITY");
    } catch (SQLException e) {
      throw new IOException(e);
    }
    return store;
  }

  @Override
  protected MinionKeyStore open(AcceptancePolicy policy) throws IOException {
    return SharedKeyStore.open(db.pool, WriteFence.NONE, db.mac, policy, dir.resolve("master.pub"));
  }

  @Override
  protected void place(KeyStatus status, MinionId id, String text) throws IOException {
    KeyImport imported =
        open(AcceptancePolicy.manual())
            .importKeys(List.of(new ImportedKey(id, status, text)), false);
    if (imported.imported().size() != 1) {
      throw new IllegalStateException("not placed: " + imported.summary());
    }
  }
}
