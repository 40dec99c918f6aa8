package io.brine.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} promises, run against each implementation (the file backend, the
 * in-memory one, and the barrier, which is itself a Storage).
 */
public abstract class StorageContractTest {
  private Storage storage;

  /** A fresh, empty storage for each test. */
  protected abstract Storage newStorage() throws Exception;

  @BeforeEach
  void createStorage() throws Exception {
    storage = newStorage();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGet_returnsValue() throws Exception {
    storage.put("master/key", utf8("minion keys here"));

    assertThat(storage.get("master/key"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("minion keys here")));
  }

  @Test
  void get_missing_returnsEmpty() throws Exception {
    assertThat(storage.get("nothing/here")).isEmpty();
  }

  @Test
  void put_emptyValue_isStoredAsEmpty() throws Exception {
    storage.put("empty", new byte[0]);

    assertThat(storage.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
  }

  @Test
  void put_existing_overwrites() throws Exception {
    storage.put("a/b", utf8("first"));
    storage.put("a/b", utf8("second, longer than the first"));

    assertThat(storage.get("a/b"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("second, longer than the first")));
  }

  @Test
  void delete_existing_removesValue() throws Exception {
    storage.put("a/b", utf8("x"));

    storage.delete("a/b");

    assertThat(storage.get("a/b")).isEmpty();
  }

  @Test
  void delete_missing_isNotAnError() throws Exception {
    storage.delete("never/written");

    assertThat(storage.get("never/written")).isEmpty();
  }

  @Test
  void list_nestedFolders_givesNamesAndFoldersSorted() throws Exception {
    storage.put("z", utf8("1"));
    storage.put("a", utf8("2"));
    storage.put("b/c", utf8("3"));
    storage.put("b/d/e", utf8("4"));
    storage.put("b/d/f", utf8("5"));
    storage.put("f-g/h", utf8("6"));

    assertThat(storage.list("")).containsExactly("a", "b/", "f-g/", "z");
    assertThat(storage.list("b/")).containsExactly("c", "d/");
    assertThat(storage.list("b/d/")).containsExactly("e", "f");
    assertThat(storage.list("missing/")).isEmpty();
  }

  @Test
  void list_afterDeletingLastValueOfFolder_omitsFolder() throws Exception {
    storage.put("keep", utf8("1"));
    storage.put("gone/deep/x", utf8("2"));

    storage.delete("gone/deep/x");

    assertThat(storage.list("")).containsExactly("keep");
    assertThat(storage.list("gone/")).isEmpty();
  }

  @Test
  void valuesAreCopied_changingArraysAfterwardsChangesNothingStored() throws Exception {
    byte[] written = utf8("original");
    storage.put("p", written);
    written[0] = 'X';
    Optional<byte[]> read = storage.get("p");
    read.orElseThrow()[1] = 'Y';

    assertThat(storage.get("p")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("original")));
  }

  @Test
  void allMethods_invalidPath_throwInvalidRequest() {
    for (String bad : new String[] {"", "/abs", "a/../b", "..", ".hidden", "a//b", "a\\b"}) {
      assertThatThrownBy(() -> storage.get(bad))
          .as("get %s", bad)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> storage.put(bad, new byte[1]))
          .as("put %s", bad)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> storage.delete(bad))
          .as("delete %s", bad)
          .isInstanceOf(InvalidRequestException.class);
    }
    for (String bad : new String[] {"a", "/", "../", "a//"}) {
      assertThatThrownBy(() -> storage.list(bad))
          .as("list %s", bad)
          .isInstanceOf(InvalidRequestException.class);
    }
  }
}
