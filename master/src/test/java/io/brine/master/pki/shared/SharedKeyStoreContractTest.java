package io.brine.master.pki.shared;

import io.brine.master.pki.AcceptancePolicy;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.pki.MinionKeyStoreContract;
import io.brine.master.pki.PkiDirectory;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The decisions on PostgreSQL: the same table as the folders'. A key is put in place by importing a
 * folder that holds it, as an operator moving a master into a cluster does.
 */
class SharedKeyStoreContractTest extends MinionKeyStoreContract {
  private static TestDatabase db;

  private int placed;

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
    Path pkiDir = dir.resolve("placed-" + placed++);
    PkiDirectory folder = PkiDirectory.open(pkiDir);
    Files.writeString(pkiDir.resolve("master").resolve(status.dirName()).resolve(id.value()), text);
    FolderImport imported =
        SharedKeyStore.open(
                db.pool,
                WriteFence.NONE,
                db.mac,
                AcceptancePolicy.manual(),
                dir.resolve("master.pub"))
            .importFolder(folder);
    if (imported.importedTotal() != 1) {
      throw new IllegalStateException("not placed: " + imported.summary());
    }
  }
}
