package io.brine.minion.states.file;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * A file state's write: the content into a fresh temp file in the target's folder (created
 * exclusively, mode 0600), the old file's mode and owner (or 0644 for a new file), then the state's
 * user, group and mode, all on the temp file; fsync; rename over the target; fsync of the folder. A
 * reader sees the old file or the new one, never half of it, never the new content under the old
 * or a looser mode; a failure at any step leaves the old file and no temp file. The target is
 * replaced by the rename, so a link at the target itself would be replaced, not followed: callers
 * resolve the path first where Salt writes through a link (file.managed).
 */
final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFile() {}

  /** Writes the content; the perms changes made, beside what the file would have had anyway. */
  static Map<String, Object> write(Path target, byte[] content, Perms perms) throws IOException {
    return write(target, out -> {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }, perms);
  }

  /** As {@link #write(Path, byte[], Perms)}, streaming a file's content (a fetched source). */
  static Map<String, Object> copy(Path target, Path source, Perms perms) throws IOException {
    return write(target, out -> {
      try (InputStream in = Files.newInputStream(source)) {
        in.transferTo(Channels.newOutputStream(out));
      }
    }, perms);
  }

  private static Map<String, Object> write(Path target, DurableFiles.Content content, Perms perms)
      throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    PosixFileAttributes before = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      before = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
    Path temp = folder.resolve(DurableFiles.TEMP_PREFIX + target.getFileName() + "-"
        + HexFormat.of().formatHex(random()));
    try {
      Map<String, Object> changes;
      try (FileChannel out = FileChannel.open(temp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        content.writeTo(out);
        PosixFileAttributeView view = Files.getFileAttributeView(
            temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (before != null) {
          view.setPermissions(before.permissions());
          keepOwner(view, before);
        } else {
          view.setPermissions(PosixFilePermissions.fromString(DurableFiles.PUBLIC));
        }
        changes = perms.changes(temp);
        perms.apply(temp);
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      DurableFiles.forceFolder(folder);
      return changes;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The old file's owner and group on the new one, where the minion may set them (as root); a
   * minion that may not keeps its own, as Salt's atomic write does.
   */
  private static void keepOwner(PosixFileAttributeView view, PosixFileAttributes before) {
    try {
      PosixFileAttributes now = view.readAttributes();
      if (!now.owner().equals(before.owner())) {
        view.setOwner(before.owner());
      }
      if (!now.group().equals(before.group())) {
        view.setGroup(before.group());
      }
    } catch (IOException e) {
      // Not root: the file is the minion user's, which is what it may write.
    }
  }

  private static byte[] random() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }
}
