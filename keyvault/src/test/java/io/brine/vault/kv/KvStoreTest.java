package io.brine.vault.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.vault.InvalidRequestException;
import io.brine.vault.SealedException;
import io.brine.vault.barrier.Barrier;
import io.brine.vault.barrier.Keyring;
import io.brine.vault.storage.FileStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStoreTest {
  private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
  private static final String VALUE = "s3cr3t-value-7f2a";

  @TempDir Path dir;

  private final TestClock clock = new TestClock(T0);
  private Keyring keyring;
  private Barrier barrier;
  private KvStore kv;

  @BeforeEach
  void openBarrier() throws Exception {
    keyring = Keyring.generate();
    barrier = new Barrier(FileStorage.open(dir));
    barrier.install(keyring);
    kv = new KvStore(barrier, clock);
  }

  @Test
  void write_thenRead_roundTripsThroughTheBarrierOnDisk_andTheValueIsNotInClear() throws Exception {
    KvRead written = kv.write("db/prod", Map.of("password", VALUE), OptionalInt.empty());
    assertThat(written.version().version()).isEqualTo(1);
    assertThat(written.version().createdTime()).isEqualTo(T0);

    Barrier reopened = new Barrier(FileStorage.open(dir));
    reopened.install(keyring);
    KvVersion read = new KvStore(reopened, clock).read("db/prod", 0).orElseThrow();
    assertThat(read.data()).containsEntry("password", VALUE);
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.createdTime()).isEqualTo(T0);

    assertThat(filesContaining(VALUE)).isEmpty();
  }

  @Test
  void versions_countUp_andEachStaysReadable() throws Exception {
    kv.write("app", Map.of("k", "one"), OptionalInt.empty());
    clock.advance(Duration.ofSeconds(1));
    kv.write("app", Map.of("k", "two"), OptionalInt.empty());

    assertThat(kv.read("app", 0).orElseThrow().data()).containsEntry("k", "two");
    assertThat(kv.read("app", 1).orElseThrow().data()).containsEntry("k", "one");
    assertThat(kv.read("app", 2).orElseThrow().version()).isEqualTo(2);
    assertThat(kv.read("app", 3)).isEmpty();
    assertThat(kv.read("missing", 0)).isEmpty();
    KvMetadata meta = kv.metadata("app").orElseThrow();
    assertThat(meta.currentVersion()).isEqualTo(2);
    assertThat(meta.oldestVersion()).isZero();
    assertThat(meta.createdTime()).isEqualTo(T0);
    assertThat(meta.updatedTime()).isEqualTo(T0.plusSeconds(1));
    assertThat(meta.versions()).containsOnlyKeys(1, 2);
  }

  @Test
  void checkAndSet_mustMatchTheCurrentVersion_withOpenBaosMessage() throws Exception {
    kv.write("a", Map.of("k", "v"), OptionalInt.of(0));
    assertThatThrownBy(() -> kv.write("a", Map.of("k", "w"), OptionalInt.of(0)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("check-and-set parameter did not match the current version");
    kv.write("a", Map.of("k", "w"), OptionalInt.of(1));
    assertThat(kv.read("a", 0).orElseThrow().data()).containsEntry("k", "w");
  }

  @Test
  void casRequired_onTheSecretOrTheEngine_refusesAWriteWithoutCas() throws Exception {
    kv.writeMetadata("a", new MetadataUpdate(null, true, null, null), false);
    assertThatThrownBy(() -> kv.write("a", Map.of("k", "v"), OptionalInt.empty()))
        .hasMessage("check-and-set parameter required for this call");
    kv.write("a", Map.of("k", "v"), OptionalInt.of(0));

    kv.writeConfig(null, true, null);
    assertThatThrownBy(() -> kv.write("b", Map.of("k", "v"), OptionalInt.empty()))
        .hasMessage("check-and-set parameter required for this call");
  }

  @Test
  void maxVersions_prunesTheOldest_andMovesOldestVersion() throws Exception {
    kv.writeMetadata("a", new MetadataUpdate(3, null, null, null), false);
    for (int i = 1; i <= 5; i++) {
      kv.write("a", Map.of("n", i), OptionalInt.empty());
    }
    KvMetadata meta = kv.metadata("a").orElseThrow();
    assertThat(meta.versions()).containsOnlyKeys(3, 4, 5);
    assertThat(meta.oldestVersion()).isEqualTo(3);
    assertThat(meta.currentVersion()).isEqualTo(5);
    assertThat(kv.read("a", 2)).isEmpty();
    assertThat(kv.read("a", 3).orElseThrow().data()).containsEntry("n", 3);
    // The pruned versions' records are gone from the disk too.
    assertThat(barrier.list(KvStore.VERSIONS)).hasSize(1);
    String folder = KvStore.VERSIONS + barrier.list(KvStore.VERSIONS).get(0);
    assertThat(barrier.list(folder)).containsExactlyInAnyOrder("3", "4", "5");
  }

  @Test
  void defaultMaxVersions_isOpenBaosTen() throws Exception {
    for (int i = 1; i <= 12; i++) {
      kv.write("a", Map.of("n", i), OptionalInt.empty());
    }
    KvMetadata meta = kv.metadata("a").orElseThrow();
    assertThat(meta.versions()).hasSize(10);
    assertThat(meta.oldestVersion()).isEqualTo(3);
  }

  @Test
  void deleteUndeleteDestroy_asOpenBao() throws Exception {
    kv.write("a", Map.of("k", "one"), OptionalInt.empty());
    kv.write("a", Map.of("k", "two"), OptionalInt.empty());

    clock.advance(Duration.ofSeconds(5));
    kv.deleteLatest("a");
    assertThat(kv.read("a", 0)).isEmpty();
    KvRead deleted = kv.get("a", 0).orElseThrow();
    assertThat(deleted.data()).isEmpty();
    assertThat(deleted.version().deletionTime()).isEqualTo(T0.plusSeconds(5));
    assertThat(kv.read("a", 1)).isPresent();

    kv.undelete("a", List.of(2));
    assertThat(kv.read("a", 0).orElseThrow().data()).containsEntry("k", "two");

    kv.delete("a", List.of(1, 2, 99));
    assertThat(kv.read("a", 1)).isEmpty();
    assertThat(kv.read("a", 2)).isEmpty();

    kv.destroy("a", List.of(1));
    KvRead destroyed = kv.get("a", 1).orElseThrow();
    assertThat(destroyed.version().destroyed()).isTrue();
    kv.undelete("a", List.of(1, 2));
    assertThat(kv.read("a", 1)).as("a destroyed version stays gone").isEmpty();
    assertThat(kv.read("a", 2).orElseThrow().data()).containsEntry("k", "two");

    assertThatThrownBy(() -> kv.delete("a", List.of()))
        .hasMessage("no version number provided");
    kv.deleteLatest("never-written");
  }

  @Test
  void deleteVersionAfter_givesEachNewVersionAFutureDeletionTime() throws Exception {
    kv.writeMetadata("a", new MetadataUpdate(null, null, Duration.ofHours(1), null), false);
    KvRead w = kv.write("a", Map.of("k", "v"), OptionalInt.empty());
    assertThat(w.version().deletionTime()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(kv.read("a", 0)).isPresent();
    clock.advance(Duration.ofHours(1));
    assertThat(kv.read("a", 0)).isEmpty();
  }

  @Test
  void patch_mergesAsRfc7386_andNeedsALiveCurrentVersion() throws Exception {
    assertThat(kv.patch("a", Map.of("x", "y"), OptionalInt.empty())).isEmpty();
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("keep", "1");
    first.put("drop", "2");
    first.put("nested", Map.of("a", 1, "b", 2));
    kv.write("a", first, OptionalInt.empty());

    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("drop", null);
    patch.put("nested", Map.of("b", 3));
    patch.put("new", "4");
    KvRead patched = kv.patch("a", patch, OptionalInt.of(1)).orElseThrow();
    assertThat(patched.version().version()).isEqualTo(2);
    Map<String, Object> data = kv.read("a", 0).orElseThrow().data();
    assertThat(data).containsOnlyKeys("keep", "nested", "new");
    assertThat(data.get("nested")).isEqualTo(Map.of("a", 1, "b", 3));

    assertThatThrownBy(() -> kv.patch("a", Map.of("x", "y"), OptionalInt.of(1)))
        .hasMessage("check-and-set parameter did not match the current version");
    kv.deleteLatest("a");
    assertThat(kv.patch("a", Map.of("x", "y"), OptionalInt.empty())).isEmpty();
  }

  @Test
  void metadataWrite_setsOnlyWhatIsGiven_andCustomMetadataReplacesOrMerges() throws Exception {
    kv.writeMetadata("a", new MetadataUpdate(5, null, null, Map.of("owner", "ops")), false);
    kv.writeMetadata("a", new MetadataUpdate(null, true, null, null), false);
    KvMetadata m = kv.metadata("a").orElseThrow();
    assertThat(m.maxVersions()).isEqualTo(5);
    assertThat(m.casRequired()).isTrue();
    assertThat(m.customMetadata()).containsExactlyEntriesOf(Map.of("owner", "ops"));
    assertThat(m.currentVersion()).isZero();

    Map<String, String> merge = new LinkedHashMap<>();
    merge.put("owner", null);
    merge.put("team", "db");
    kv.writeMetadata("a", new MetadataUpdate(null, null, null, merge), true);
    assertThat(kv.metadata("a").orElseThrow().customMetadata())
        .containsExactlyEntriesOf(Map.of("team", "db"));
    kv.writeMetadata("a", new MetadataUpdate(null, null, null, Map.of("x", "y")), false);
    assertThat(kv.metadata("a").orElseThrow().customMetadata())
        .containsExactlyEntriesOf(Map.of("x", "y"));
  }

  @Test
  void deleteMetadata_removesEveryVersionFromDisk() throws Exception {
    kv.write("a/b", Map.of("k", VALUE), OptionalInt.empty());
    kv.write("a/b", Map.of("k", "v2"), OptionalInt.empty());
    kv.deleteMetadata("a/b");
    assertThat(kv.metadata("a/b")).isEmpty();
    assertThat(kv.read("a/b", 1)).isEmpty();
    assertThat(kv.list("a")).isEmpty();
    assertThat(kv.write("a/b", Map.of("k", "again"), OptionalInt.of(0)).version().version())
        .isEqualTo(1);
    assertThat(barrier.list(KvStore.VERSIONS)).hasSize(1);
    String folder = KvStore.VERSIONS + barrier.list(KvStore.VERSIONS).get(0);
    assertThat(barrier.list(folder)).containsExactly("1");
  }

  @Test
  void list_givesSecretsAndFolders_asOpenBao_evenWhenAPathIsBoth() throws Exception {
    kv.write("db", Map.of("k", "v"), OptionalInt.empty());
    kv.write("db/prod", Map.of("k", "v"), OptionalInt.empty());
    kv.write("db/prod/replica", Map.of("k", "v"), OptionalInt.empty());
    kv.write("db/stage", Map.of("k", "v"), OptionalInt.empty());
    kv.write("web app/key_1", Map.of("k", "v"), OptionalInt.empty());

    assertThat(kv.list("")).containsExactly("db", "db/", "web app/");
    assertThat(kv.list("db/")).containsExactly("prod", "prod/", "stage");
    assertThat(kv.list("db")).containsExactly("prod", "prod/", "stage");
    assertThat(kv.list("web app")).containsExactly("key_1");
    assertThat(kv.list("nothing")).isEmpty();
    assertThat(kv.read("web app/key_1", 0)).isPresent();
  }

  @Test
  void badPaths_areRefusedWithOneLine() {
    for (String bad : List.of("", "/", "a/", "a//b", "a/../b", "./a", "a\nb")) {
      assertThatThrownBy(() -> kv.write(bad, Map.of("k", "v"), OptionalInt.empty()))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .message()
          .doesNotContain("\n");
    }
    assertThatThrownBy(() -> kv.write("x".repeat(300), Map.of("k", "v"), OptionalInt.empty()))
        .hasMessageContaining("longer than 256");
  }

  @Test
  void bounds_onDataSize_keys_depth_andMaxVersions() throws Exception {
    assertThatThrownBy(
            () ->
                kv.write(
                    "a",
                    Map.of("k", "x".repeat(KvLimits.MAX_VERSION_BYTES)),
                    OptionalInt.empty()))
        .hasMessageContaining("larger than 512 KiB");
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i <= KvLimits.MAX_KEYS; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> kv.write("a", many, OptionalInt.empty()))
        .hasMessageContaining("more than 1024 keys");
    Object deep = "v";
    for (int i = 0; i < KvLimits.MAX_DEPTH + 1; i++) {
      deep = List.of(deep);
    }
    Object tooDeep = deep;
    assertThatThrownBy(() -> kv.write("a", Map.of("k", tooDeep), OptionalInt.empty()))
        .hasMessageContaining("nested deeper");
    assertThatThrownBy(
            () -> kv.writeMetadata("a", new MetadataUpdate(101, null, null, null), false))
        .hasMessageContaining("max_versions cannot be more than 100");
    assertThat(kv.metadata("a")).as("nothing half-written").isEmpty();
    assertThat(kv.list("")).isEmpty();
  }

  @Test
  void sealedBarrier_failsLoudly() throws Exception {
    kv.write("a", Map.of("k", "v"), OptionalInt.empty());
    barrier.seal();
    assertThatThrownBy(() -> kv.read("a", 0)).isInstanceOf(SealedException.class);
    assertThatThrownBy(() -> kv.write("a", Map.of("k", "v"), OptionalInt.empty()))
        .isInstanceOf(SealedException.class);
  }

  private List<Path> filesContaining(String needle) throws IOException {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return indexOf(Files.readAllBytes(f), n) >= 0;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              })
          .toList();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
