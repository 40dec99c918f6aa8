package io.brine.minion.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Key files written so that a crash leaves the old file or the new one, never half of either: a
 * hidden temp file created with its final mode, forced to disk, renamed over the target, and the
 * folder forced too. Folders are created 0700.
 */
final class KeyFiles {
  static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

  private KeyFiles() {}

  static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER));
    if (Files.isSymbolicLink(file)) {
      throw new IOException(file + " is a symbolic link; refusing to write a key through it");
    }
    Path temp =
        Files.createTempFile(
            dir, "." + file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(mode));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      // createTempFile's mode is filtered by the umask; set it exactly.
      Files.setPosixFilePermissions(temp, mode);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
        folder.force(true);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The file's bytes, or null when it does not exist; never follows a symbolic link. */
  static byte[] readIfPresent(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (Files.isSymbolicLink(file)) {
      throw new IOException(file + " is a symbolic link; refusing to read a key through it");
    }
    return Files.readAllBytes(file);
  }
}
