package io.brine.vault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FileStorageTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** Every name under {@code root} that starts with '.': leftover temporary files. */
  private static List<Path> hiddenFiles(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root) && p.getFileName().toString().startsWith("."))
          .toList();
    }
  }

  /** The whole contract, on a real folder. */
  @Nested
  class Contract extends StorageContractTest {
    @Override
    protected Storage newStorage() throws Exception {
      return FileStorage.open(dir.resolve("contract"));
    }
  }

  @Test
  void open_missingFolder_createsItPrivate() throws Exception {
    Path store = dir.resolve("a/b/store");

    FileStorage.open(store);

    assertThat(store).isDirectory();
    assertThat(mode(store)).isEqualTo("rwx------");
  }

  @Test
  void open_aFile_throws() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "not a folder");

    assertThatThrownBy(() -> FileStorage.open(file))
        .isInstanceOf(VaultException.class)
        .hasMessageEndingWith("exists and is not a folder");
  }

  @Test
  void values_surviveReopening() throws Exception {
    Path store = dir.resolve("store");
    FileStorage.open(store).put("core/seal-config", utf8("{\"type\":\"shamir\"}"));
    FileStorage.open(store).put("barrier/x/y", utf8("deep"));

    FileStorage reopened = FileStorage.open(store);

    assertThat(reopened.get("core/seal-config"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("{\"type\":\"shamir\"}")));
    assertThat(reopened.get("barrier/x/y"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("deep")));
    assertThat(reopened.list("")).containsExactly("barrier/", "core/");
  }

  @Test
  void put_createsFiles0600AndFolders0700() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));

    storage.put("a/b/c", utf8("secret"));
    storage.put("a/b/c", utf8("overwritten")); // the rename must keep the mode too

    Path root = storage.directory();
    assertThat(mode(root.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("a/b"))).isEqualTo("rwx------");
    assertThat(mode(root.resolve("a/b/c"))).isEqualTo("rw-------");
  }

  @Test
  void put_manyTimes_leavesNoTemporaryFile() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));

    for (int i = 0; i < 20; i++) {
      storage.put("a/b" + (i % 3), utf8("value " + i));
    }

    assertThat(hiddenFiles(storage.directory())).isEmpty();
  }

  @Test
  void put_longestName_fitsItsTemporaryFileName() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    String name = "n".repeat(StoragePaths.MAX_SEGMENT_LENGTH);

    storage.put(name, utf8("v"));

    assertThat(storage.get(name)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(names = {"WRITE_TEMP", "FSYNC_TEMP", "RENAME"})
  void put_diskFullBeforeRename_keepsPreviousValueAndNoTemporaryFile(WriteStep failing)
      throws Exception {
    Path store = dir.resolve("store");
    FileStorage.open(store).put("master/key", utf8("previous"));
    FileStorage full =
        FileStorage.open(
            store,
            (step, path) -> {
              if (step == failing) {
                throw new IOException("No space left on device");
              }
            });

    assertThatThrownBy(() -> full.put("master/key", utf8("next")))
        .isInstanceOf(VaultException.class)
        .hasMessage("storage write failed for master/key: No space left on device");

    assertThat(full.get("master/key"))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("previous")));
    assertThat(hiddenFiles(full.directory())).isEmpty();
  }

  @Test
  void put_failureAfterRename_reportsItWithTheNewValueInPlace() throws Exception {
    FileStorage storage =
        FileStorage.open(
            dir.resolve("store"),
            (step, path) -> {
              if (step == WriteStep.FSYNC_DIR) {
                throw new IOException("Input/output error");
              }
            });

    // The value is in place but may not survive a power cut, so the caller must hear of it.
    assertThatThrownBy(() -> storage.put("k", utf8("v")))
        .hasMessage("storage write failed for k: Input/output error");
    assertThat(storage.get("k")).isPresent();
    assertThat(hiddenFiles(storage.directory())).isEmpty();
  }

  @Test
  void observer_seesEveryStepInOrder() throws Exception {
    List<String> seen = new ArrayList<>();
    FileStorage storage =
        FileStorage.open(dir.resolve("store"), (step, path) -> seen.add(step + " " + path));

    storage.put("a/b", utf8("1"));
    storage.delete("a/b");
    storage.delete("a/b");

    assertThat(seen)
        .containsExactly(
            "WRITE_TEMP a/b",
            "FSYNC_TEMP a/b",
            "RENAME a/b",
            "FSYNC_DIR a/b",
            "DELETE a/b",
            "FSYNC_DIR a/b",
            "DELETE a/b");
  }

  @Test
  void put_underAValue_throws() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    storage.put("a", utf8("a value"));

    assertThatThrownBy(() -> storage.put("a/b", utf8("x")))
        .isInstanceOf(VaultException.class)
        .hasMessage("storage write failed for a/b: a holds a value, not a folder");
    assertThat(storage.get("a/b")).isEmpty();
  }

  @Test
  void getAndDelete_ofAFolder_seeNoValue() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    storage.put("folder/x", utf8("x"));

    assertThat(storage.get("folder")).isEmpty();
    storage.delete("folder");
    assertThat(storage.get("folder/x")).isPresent();
  }

  @Test
  void list_skipsHiddenLinkedAndForeignNames() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    storage.put("real", utf8("x"));
    Path root = storage.directory();
    Files.writeString(root.resolve(".real.abc.tmp"), "interrupted put");
    Files.writeString(root.resolve("has space"), "not a storage name");
    Files.createDirectories(root.resolve("empty/also-empty"));
    Files.createSymbolicLink(root.resolve("link"), dir);

    assertThat(storage.list("")).containsExactly("real");
  }

  @Test
  void symlinkedFolder_pointingOutside_isNotFollowed() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "outside data");
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    Files.createSymbolicLink(storage.directory().resolve("link"), outside);

    assertThatThrownBy(() -> storage.get("link/secret"))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> storage.put("link/planted", utf8("x")))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> storage.delete("link/secret")).isInstanceOf(VaultException.class);
    assertThatThrownBy(() -> storage.list("link/")).isInstanceOf(VaultException.class);

    assertThat(outside.resolve("planted")).doesNotExist();
    assertThat(outside.resolve("secret")).hasContent("outside data");
  }

  @Test
  void symlinkedFile_pointingOutside_isNotFollowed() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "outside data");
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    Files.createDirectories(storage.directory().resolve("a"));
    Files.createSymbolicLink(storage.directory().resolve("a/leaf"), secret);

    assertThatThrownBy(() -> storage.get("a/leaf"))
        .isInstanceOf(VaultException.class)
        .hasMessage(
            "storage path \"a/leaf\" runs through a symbolic link in the storage folder;"
                + " refusing to follow it");
    assertThatThrownBy(() -> storage.put("a/leaf", utf8("overwrite")))
        .isInstanceOf(VaultException.class);

    assertThat(secret).hasContent("outside data");
  }

  @Test
  void traversal_isRefusedBeforeAnyFileIsTouched() throws Exception {
    FileStorage storage = FileStorage.open(dir.resolve("store"));
    Files.writeString(dir.resolve("victim"), "outside");

    for (String path : new String[] {"../victim", "a/../../victim", "/etc/passwd", "..", "a/./b"}) {
      assertThatThrownBy(() -> storage.get(path))
          .as(path)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> storage.put(path, utf8("x")))
          .as(path)
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> storage.delete(path))
          .as(path)
          .isInstanceOf(InvalidRequestException.class);
    }
    assertThat(dir.resolve("victim")).hasContent("outside");
  }

  @Test
  void open_symlinkedRoot_isResolvedOnce() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);

    FileStorage storage = FileStorage.open(link);
    storage.put("a/b", utf8("x"));

    assertThat(storage.directory()).isEqualTo(real.toRealPath());
    assertThat(real.resolve("a/b")).hasContent("x");
  }
}
