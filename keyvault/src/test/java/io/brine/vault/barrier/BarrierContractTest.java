package io.brine.vault.barrier;

import io.brine.vault.storage.FileStorage;
import io.brine.vault.storage.Storage;
import io.brine.vault.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The barrier keeps the Storage contract, over a real folder. */
class BarrierContractTest extends StorageContractTest {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() throws Exception {
    Barrier barrier = new Barrier(FileStorage.open(dir));
    barrier.install(Keyring.generate());
    return barrier;
  }
}
