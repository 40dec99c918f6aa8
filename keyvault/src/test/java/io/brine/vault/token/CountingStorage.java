package io.brine.vault.token;

import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to a real storage and counts them. */
final class CountingStorage implements Storage {
  final AtomicInteger calls = new AtomicInteger();
  private final Storage inner;

  CountingStorage(Storage inner) {
    this.inner = inner;
  }

  @Override
  public Optional<byte[]> get(String path) throws VaultException {
    calls.incrementAndGet();
    return inner.get(path);
  }

  @Override
  public void put(String path, byte[] value) throws VaultException {
    calls.incrementAndGet();
    inner.put(path, value);
  }

  @Override
  public void delete(String path) throws VaultException {
    calls.incrementAndGet();
    inner.delete(path);
  }

  @Override
  public List<String> list(String prefix) throws VaultException {
    calls.incrementAndGet();
    return inner.list(prefix);
  }
}
