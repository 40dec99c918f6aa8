package io.brine.vault.storage;

import io.brine.vault.VaultException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link Storage} in a sorted map, for tests of the layers above storage. It checks paths as
 * {@link FileStorage} does and copies values in and out, so a caller changing its array afterwards
 * changes nothing stored. Thread-safe. Nothing survives the object.
 */
public final class InMemoryStorage implements Storage {
  private final ConcurrentNavigableMap<String, byte[]> values = new ConcurrentSkipListMap<>();

  @Override
  public Optional<byte[]> get(String path) throws VaultException {
    byte[] value = values.get(StoragePaths.check(path));
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  @Override
  public void put(String path, byte[] value) throws VaultException {
    Objects.requireNonNull(value, "value");
    values.put(StoragePaths.check(path), value.clone());
  }

  @Override
  public void delete(String path) throws VaultException {
    values.remove(StoragePaths.check(path));
  }

  @Override
  public List<String> list(String prefix) throws VaultException {
    StoragePaths.checkPrefix(prefix);
    TreeSet<String> names = new TreeSet<>();
    for (Map.Entry<String, byte[]> entry : values.tailMap(prefix).entrySet()) {
      String path = entry.getKey();
      if (!path.startsWith(prefix)) {
        break;
      }
      String rest = path.substring(prefix.length());
      int slash = rest.indexOf('/');
      names.add(slash < 0 ? rest : rest.substring(0, slash + 1));
    }
    return List.copyOf(names);
  }

  @Override
  public String toString() {
    return "InMemoryStorage[" + values.size() + " values]";
  }
}
