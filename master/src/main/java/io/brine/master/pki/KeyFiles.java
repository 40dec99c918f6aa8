package io.brine.master.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file operations of the PKI folder, each durable on return and none following a symbolic link.
 * A write is: a hidden temp file in the target folder, fsync, atomic rename over the target, fsync
 * of the folder. So a crash leaves the old file or the new one, plus at worst a temp file that the
 * next open removes.
 */
final class KeyFiles {
  private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);

  /** Temp files start with this; no minion id can (ids never start with '.'). */
  static final String TEMP_PREFIX = ".brine-tmp-";

  /** A public key PEM is a few KB even at 16384 bits; anything far larger is not one. */
  static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyFiles() {}

  /** Thrown for an entry that is there but is no key file: a link, a folder, a huge file. */
  static final class NotAKeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAKeyFileException(Path path, String what) {
      super(path + " " + what);
    }
  }

  /** The file's text, or null when there is no entry at all. */
  static String read(Path file) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (attributes.isSymbolicLink()) {
      throw new NotAKeyFileException(file, "is a symbolic link (links are never followed)");
    }
    if (!attributes.isRegularFile()) {
      throw new NotAKeyFileException(file, "is not a regular file");
    }
    if (attributes.size() > MAX_KEY_FILE_BYTES) {
      throw new NotAKeyFileException(file, "is larger than a public key can be");
    }
    ByteBuffer buffer = ByteBuffer.allocate(MAX_KEY_FILE_BYTES + 1);
    try (SeekableByteChannel in =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (buffer.hasRemaining() && in.read(buffer) >= 0) {
        // read to the end or one byte past the limit
      }
    } catch (NoSuchFileException e) {
      return null; // removed between the two calls
    }
    if (!buffer.hasRemaining()) {
      throw new NotAKeyFileException(file, "is larger than a public key can be");
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  /** True when there is any entry (file, link, folder) at this path; links are not followed. */
  static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** Atomically replaces (or creates) {@code file} with {@code text}, mode 0644. */
  static void write(Path file, String text) throws IOException {
    Path dir = file.getParent();
    Path temp =
        dir.resolve(
            TEMP_PREFIX + file.getFileName() + "-" + HexFormat.of().formatHex(randomBytes(6)));
    try {
      Set<StandardOpenOption> options =
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try (FileChannel out = FileChannel.open(temp, options, permissions("rw-------"))) {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      if (POSIX) {
        // A public key: readable by all, as Salt leaves it. Set explicitly, whatever the umask.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      // rename(2) replaces a link at the target, it does not write through it.
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceFolder(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Removes the entry (a link itself, never its target) and makes that durable. */
  static boolean delete(Path file) throws IOException {
    boolean deleted = Files.deleteIfExists(file);
    if (deleted) {
      forceFolder(file.getParent());
    }
    return deleted;
  }

  /** Creates a missing folder 0700; an existing one must be a real folder, not a link. */
  static void ensureFolder(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(
          dir + " is a symbolic link; brine does not follow links in the PKI folder");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, permissions("rwx------"));
    } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a folder");
    }
    if (POSIX) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Makes renames and deletes in {@code dir} durable. */
  static void forceFolder(Path dir) {
    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException e) {
      log.debug("cannot force folder {} to disk", dir, e);
    }
  }

  private static FileAttribute<?>[] permissions(String permissions) {
    return POSIX
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
        }
        : new FileAttribute<?>[0];
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
