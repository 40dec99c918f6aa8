package io.brine.master.cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.master.files.FileRoots;
import io.brine.master.files.ServedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging area: chunks in any order, the hash at the end, every limit, expiry, ownership. */
class StagedFilesTest {
  private static final int C = 64 * 1024;

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  private static byte[] sha(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private StagedFiles open() throws Exception {
    return StagedFiles.open(dir.resolve("staging"), clock, C, 3L * C, 5L * C, 3);
  }

  @Test
  void chunksInAnyOrder_makeTheFile_servedOnlyOnceComplete() throws Exception {
    StagedFiles s = open();
    byte[] content = random(2 * C + 10);
    String id = s.create("alice", content.length, sha(content), Duration.ofMinutes(5)).id();
    String source = StagedFiles.SCHEME + id;
    s.write("alice", id, 2L * C, Arrays.copyOfRange(content, 2 * C, content.length));
    s.write("alice", id, 0, Arrays.copyOfRange(content, 0, C));
    assertThat(s.find(source)).as("not served while incomplete").isEmpty();
    StagedFiles.Progress done = s.write("alice", id, C, Arrays.copyOfRange(content, C, 2 * C));
    assertThat(done.complete()).isTrue();
    assertThat(done.received()).isEqualTo(content.length);
    ServedFile f = s.find(source).orElseThrow();
    assertThat(f.size()).isEqualTo(content.length);
    assertThat(FileRoots.readChunk(f, 0, content.length)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.path())))
        .isEqualTo("rw-------");
  }

  @Test
  void aWrongHash_removesTheStagedFile() throws Exception {
    StagedFiles s = open();
    byte[] content = random(100);
    String id = s.create("alice", 100, sha(random(5)), Duration.ofMinutes(5)).id();
    assertThatThrownBy(() -> s.write("alice", id, 0, content))
        .isInstanceOf(StagedFiles.StagingException.class)
        .hasMessageContaining("do not match the declared sha256");
    assertThat(s.count()).isZero();
    try (var files = Files.list(dir.resolve("staging"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void limits_fileSize_totalBytes_andCount_areEachRefusedClearly() throws Exception {
    StagedFiles s = open();
    byte[] h = sha(new byte[0]);
    assertThatThrownBy(() -> s.create("a", 3L * C + 1, h, Duration.ofMinutes(1)))
        .hasMessageContaining("over the master's limit of " + 3L * C);
    s.create("a", 3L * C, h, Duration.ofMinutes(1));
    assertThatThrownBy(() -> s.create("a", 3L * C, h, Duration.ofMinutes(1)))
        .hasMessageContaining("does not fit now");
    s.create("a", 1, h, Duration.ofMinutes(1));
    s.create("a", 1, h, Duration.ofMinutes(1));
    assertThatThrownBy(() -> s.create("a", 1, h, Duration.ofMinutes(1)))
        .hasMessageContaining("stages 3 files already");
    assertThatThrownBy(() -> s.create("a", 1, h, Duration.ofDays(2)))
        .hasMessageContaining("ttl must be");
  }

  @Test
  void badChunks_otherOwners_andExpiry() throws Exception {
    StagedFiles s = open();
    byte[] content = random(C + 1);
    String id = s.create("alice", content.length, sha(content), Duration.ofSeconds(30)).id();
    assertThatThrownBy(() -> s.write("alice", id, 5, new byte[1]))
        .hasMessageContaining("no chunk start");
    assertThatThrownBy(() -> s.write("alice", id, 0, new byte[10]))
        .hasMessageContaining("must be " + C + " bytes");
    assertThatThrownBy(() -> s.write("mallory", id, 0, new byte[C]))
        .hasMessageContaining("not yours");
    assertThat(s.delete("mallory", id)).isFalse();
    s.write("alice", id, 0, Arrays.copyOf(content, C));
    assertThatThrownBy(() -> s.write("alice", id, 0, new byte[C]))
        .as("a chunk is written once: the hash sees settled bytes")
        .hasMessageContaining("was sent already");
    s.write("alice", id, C, new byte[] {content[C]});
    assertThatThrownBy(() -> s.write("alice", id, C, new byte[] {content[C]}))
        .hasMessageContaining("is complete");
    assertThat(s.find(StagedFiles.SCHEME + id)).isPresent();
    now.set(now.get().plusSeconds(31));
    assertThat(s.find(StagedFiles.SCHEME + id)).as("expired").isEmpty();
    assertThat(s.count()).isZero();
  }

  @Test
  void chunks_areAMebibyteOfRawBytes_orTheApisLimitWhenLarger() {
    assertThat(StagedFiles.chunkFor(65_536)).isEqualTo(StagedFiles.RAW_CHUNK_BYTES);
    assertThat(StagedFiles.chunkFor(1024)).isEqualTo(StagedFiles.RAW_CHUNK_BYTES);
    assertThat(StagedFiles.chunkFor(3_000_000)).isEqualTo(2_998_272); // 4 KiB steps
    assertThat(StagedFiles.chunkFor(32 << 20)).isEqualTo(StagedFiles.MAX_CHUNK_BYTES);
  }

  @Test
  void theFolderIsEmptiedAtOpen_andAnEmptyFileIsCompleteAtOnce() throws Exception {
    Path staging = Files.createDirectories(dir.resolve("staging"));
    Files.writeString(staging.resolve("left-from-before"), "x");
    StagedFiles s = open();
    assertThat(staging.resolve("left-from-before")).doesNotExist();
    StagedFiles.Progress p = s.create("a", 0, sha(new byte[0]), Duration.ofMinutes(1));
    assertThat(p.complete()).isTrue();
    assertThat(s.delete("a", p.id())).isTrue();
    assertThat(s.find(StagedFiles.SCHEME + p.id())).isEmpty();
  }
}
