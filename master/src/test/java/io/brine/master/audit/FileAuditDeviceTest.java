package io.brine.master.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import java.util.concurrent.atomic.AtomicLong;
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
  @SuppressWarnings("try") // held only to be open, as the device holds its file
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

  @Test
  void fileReplacedWhileOpening_noEntryGoesToTheFileMovedAway() throws Exception {
    // Looks 0 and 1 are the open's (before and after the append channel is opened), 2 and 3 the
    // first batch's check. Past those, batches may merge, so the count of looks varies.
    for (int at = 0; at < 4; at++) {
      Path run = Files.createDirectory(dir.resolve("run" + at));
      Path file = run.resolve("audit.log");
      Path moved = run.resolve("moved");
      AtomicLong sizeWhenMoved = new AtomicLong(-1);
      try (AuditFixture f = AuditFixture.sealed(AuditFixture.declared(file, 1000))) {
        f.broker.pathLooks =
            changedBeforeLook(
                at,
                () -> {
                  Files.move(file, moved);
                  sizeWhenMoved.set(Files.size(moved));
                  Files.writeString(file, "");
                });
        f.initAndUnseal(); // opens the device
        Throwable refused =
            catchThrowable(() -> f.broker.request(AuditFixture.request("brine/keys", null)));
        assertThat(sizeWhenMoved.get()).as("replaced before look %d", at).isNotNegative();
        assertThat(Files.size(moved))
            .as("written to after it was moved away, replaced before look %d", at)
            .isEqualTo(sizeWhenMoved.get());
        if (at == 0) {
          // Replaced before the open looked: the new file is the one opened, and written.
          assertThat(refused).isNull();
          assertThat(AuditFixture.entries(file)).isNotEmpty();
        } else {
          // Look 1: opened, then replaced before the path was looked at again. The open used to
          // take the new file's key for the opened file's, pass every check, and write into the
          // moved file.
          assertThat(refused)
              .as("replaced before look %d", at)
              .isInstanceOf(AuditFailedException.class)
              .hasMessageEndingWith(
                  at == 1 ? "cannot open the audit file" : "the audit file was deleted or replaced");
        }
      }
    }
  }
}
