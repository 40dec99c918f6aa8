package io.brine.master.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.master.audit.FileAuditDevice.Cause;
import io.brine.master.audit.FileAuditDevice.Failure;
import io.brine.master.audit.FileAuditDevice.PathLooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's check of its path, with the file changed between the check's looks at it: the
 * interleavings a concurrent {@code mv} or {@code chmod} can produce, made to happen every time.
 * Real files; only the moment of the change is chosen.
 */
class FileAuditDeviceTest {
  @TempDir Path dir;

  private interface Change {
    void run() throws IOException;
  }

  /** The real looks, with {@code change} made once, just before look number {@code at} (from 0). */
  private static PathLooks changedBeforeLook(int at, Change change) {
    return new PathLooks() {
      private int looks;

      private void maybeChange() {
        if (looks++ == at) {
          try {
            change.run();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }

      @Override
      public boolean writable(Path path) {
        maybeChange();
        return PathLooks.FILES.writable(path);
      }

      @Override
      public PosixFileAttributes attributes(Path path) throws IOException {
        maybeChange();
        return PathLooks.FILES.attributes(path);
      }
    };
  }

  private Path log() {
    return dir.resolve("audit.log");
  }

  /** The check of a file held open, as the device holds it, changed before look {@code at}. */
  private Failure checkWith(int at, Change change) throws IOException {
    Files.writeString(log(), "{}\n");
    Files.setPosixFilePermissions(log(), PosixFilePermissions.fromString("rw-------"));
    try (FileChannel held =
        FileChannel.open(log(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      Object key = PathLooks.FILES.attributes(log()).fileKey();
      return FileAuditDevice.fileProblem(log(), key, changedBeforeLook(at, change));
    } finally {
      Files.deleteIfExists(log());
      Files.deleteIfExists(dir.resolve("moved"));
    }
  }

  @Test
  void unchangedFile_passes() throws IOException {
    assertThat(checkWith(Integer.MAX_VALUE, () -> {})).isNull();
  }

  /** {@code change} before the check's first look, then before its second: {@code expected}. */
  private void assertBeforeEitherLook(Change change, Cause expected, String detailEnd)
      throws IOException {
    for (int at = 0; at < 2; at++) {
      Failure f = checkWith(at, change);
      assertThat(f).as("changed before look %d", at).isNotNull();
      assertThat(f.cause()).as("changed before look %d", at).isEqualTo(expected);
      assertThat(f.detail()).as("changed before look %d", at).endsWith(detailEnd);
    }
  }

  @Test
  void fileMovedAway_isGone_whicheverLookItPrecedes() throws IOException {
    // Before the second look is the interleaving that was blamed on a lost permission.
    assertBeforeEitherLook(
        () -> Files.move(log(), dir.resolve("moved")), Cause.GONE, "audit.log no longer exists");
  }

  @Test
  void fileReplaced_isGone_whicheverLookItPrecedes() throws IOException {
    assertBeforeEitherLook(
        () -> {
          Files.move(log(), dir.resolve("moved"));
          Files.writeString(log(), "");
        },
        Cause.GONE,
        "audit.log is now another file");
  }

  @Test
  void fileDeletedAndRecreated_isGone_theHeldFileKeepsItsInode() throws IOException {
    // Deleted while nothing holds it, ext4 hands the freed inode to the next file made; the
    // device's open channel keeps the inode allocated, so the new file cannot take its number.
    assertBeforeEitherLook(
        () -> {
          Files.delete(log());
          Files.writeString(log(), "");
        },
        Cause.GONE,
        "audit.log is now another file");
  }

  @Test
  void writePermissionRemoved_isPermission_whicheverLookItPrecedes() throws IOException {
    assertBeforeEitherLook(
        () -> Files.setPosixFilePermissions(log(), PosixFilePermissions.fromString("r--------")),
        Cause.PERMISSION,
        "audit.log may no longer be written");
  }

  @Test
  void changeAfterTheLastLook_isForTheNextBatch() throws IOException {
    assertThat(checkWith(2, () -> Files.move(log(), dir.resolve("moved")))).isNull();
  }
}
