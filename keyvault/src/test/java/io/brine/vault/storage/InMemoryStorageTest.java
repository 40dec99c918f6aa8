package io.brine.vault.storage;

class InMemoryStorageTest extends StorageContractTest {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
