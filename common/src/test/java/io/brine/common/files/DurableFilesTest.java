package io.brine.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  @Test
  void write_replacesAtomically_withTheExactMode_andLeavesNoTempFile() throws Exception {
    Path file = dir.resolve("minion.pem");
    DurableFiles.write(file, "one".getBytes(StandardCharsets.US_ASCII), DurableFiles.PRIVATE);
    DurableFiles.write(file, "two".getBytes(StandardCharsets.US_ASCII), DurableFiles.PRIVATE);

    assertThat(DurableFiles.read(file, 100)).isEqualTo("two".getBytes(StandardCharsets.US_ASCII));
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    DurableFiles.write(file, new byte[] {1}, DurableFiles.PUBLIC);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(file);
    }
  }

  @Test
  void read_missingIsNull_linkFolderAndHugeAreRefused() throws Exception {
    assertThat(DurableFiles.read(dir.resolve("none"), 10)).isNull();

    Path target = dir.resolve("target");
    Files.writeString(target, "secret");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThatThrownBy(() -> DurableFiles.read(link, 100))
        .isInstanceOf(DurableFiles.NotARegularFileException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> DurableFiles.read(Files.createDirectory(dir.resolve("d")), 100))
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> DurableFiles.read(target, 3)).hasMessageContaining("larger than 3");
  }

  @Test
  void write_overALink_replacesTheLink_notItsTarget() throws Exception {
    Path target = dir.resolve("elsewhere");
    Files.writeString(target, "untouched");
    Path link = Files.createSymbolicLink(dir.resolve("key"), target);

    DurableFiles.write(link, new byte[] {42}, DurableFiles.PUBLIC);

    assertThat(Files.readString(target)).isEqualTo("untouched");
    assertThat(Files.isSymbolicLink(link)).isFalse();
  }

  @Test
  void ensureFolder_makes0700_andRefusesALink() throws Exception {
    Path keys = dir.resolve("pki/minion");
    DurableFiles.ensureFolder(keys);
    assertThat(Files.getPosixFilePermissions(keys))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    Path linked = Files.createSymbolicLink(dir.resolve("linked"), keys);
    assertThatThrownBy(() -> DurableFiles.ensureFolder(linked)).hasMessageContaining("symbolic link");
  }

  @Test
  void delete_removesOnlyTheEntry() throws Exception {
    Path f = dir.resolve("k");
    Files.writeString(f, "x");
    assertThat(DurableFiles.delete(f)).isTrue();
    assertThat(DurableFiles.delete(f)).isFalse();
    assertThat(DurableFiles.exists(f)).isFalse();
  }
}
