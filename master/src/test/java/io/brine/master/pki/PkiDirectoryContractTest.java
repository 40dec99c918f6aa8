package io.brine.master.pki;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The decisions on Salt's folders: {@code <pki_dir>/master/minions*}. */
class PkiDirectoryContractTest extends MinionKeyStoreContract {
  private Path pkiDir() {
    return dir.resolve("pki");
  }

  @Override
  protected MinionKeyStore fresh() throws IOException {
    return PkiDirectory.open(pkiDir());
  }

  @Override
  protected MinionKeyStore open(AcceptancePolicy policy) throws IOException {
    return PkiDirectory.open(pkiDir(), policy);
  }

  @Override
  protected void place(KeyStatus status, MinionId id, String text) throws IOException {
    Files.writeString(
        pkiDir().resolve("master").resolve(status.dirName()).resolve(id.value()), text);
  }
}
