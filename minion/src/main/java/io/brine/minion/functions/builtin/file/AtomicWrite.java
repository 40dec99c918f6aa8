package io.brine.minion.functions.builtin.file;

import io.brine.common.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

/**
 * A whole file replaced atomically: content into a fresh temp file beside it, fsync, rename over it
 * ({@link DurableFiles#write}), so a reader sees the old file or the new one, never half, and a
 * failure leaves the old one. A link is written through to its target (as Salt's open() does); the
 * rename then replaces the target, never the link. A file that was there keeps its mode and, where
 * the minion may set them, its owner and group; a new one is 0644.
 */
final class AtomicWrite {
  private AtomicWrite() {}

  /** Where the content goes: the path, or the file a link at it points to. */
  static Path target(Path path) throws IOException {
    return Files.isSymbolicLink(path) ? path.toRealPath() : path;
  }

  /**
   * @return null, or a one-line note when the content is written but the old owner could not be
   *     given back (a minion not running as root replacing another user's file)
   */
  static String replace(Path target, byte[] content) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      // Named here: the temp file's name in the folder would be what the failure names.
      throw new NoSuchFileException(folder.toString());
    }
    PosixFileAttributes before = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("Is a directory: " + target);
      }
      before = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
    String mode =
        before == null ? DurableFiles.PUBLIC : PosixFilePermissions.toString(before.permissions());
    DurableFiles.write(
        target,
        mode,
        out -> {
          ByteBuffer b = ByteBuffer.wrap(content);
          while (b.hasRemaining()) {
            out.write(b);
          }
        });
    return before == null ? null : restoreOwner(target, before.owner(), before.group());
  }

  private static String restoreOwner(Path target, UserPrincipal owner, GroupPrincipal group) {
    PosixFileAttributeView view =
        Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    try {
      PosixFileAttributes now = view.readAttributes();
      if (!now.owner().equals(owner)) {
        view.setOwner(owner);
      }
      if (!now.group().equals(group)) {
        view.setGroup(group);
      }
      return null;
    } catch (IOException e) {
      return "its owner " + owner.getName() + ":" + group.getName() + " could not be kept";
    }
  }
}
