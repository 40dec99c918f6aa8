package io.brine.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small files (keys, pins) written so that a crash leaves the old file or the new one: a hidden
 * temp file in the target folder, fsync, atomic rename over the target, fsync of the folder. No
 * operation follows a symbolic link. The master's PKI folder and master.pub and the minion's key
 * files all go through here. (The vault's storage has its own writer, which reports each step to
 * its crash tests.)
 */
public final class DurableFiles {
  private static final Logger log = LoggerFactory.getLogger(DurableFiles.class);

  /** Temp files start with this; callers skip or remove such names. */
  public static final String TEMP_PREFIX = ".brine-tmp-";

  public static final String PRIVATE = "rw-------";
  public static final String PUBLIC = "rw-r--r--";
  private static final String FOLDER = "rwx------";

  static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final SecureRandom RANDOM = new SecureRandom();

  private DurableFiles() {}

  /** An entry that is there but is not a regular file of a sane size: a link, a folder, a huge file. */
  public static final class NotARegularFileException extends IOException {
    private static final long serialVersionUID = 1L;

    NotARegularFileException(Path path, String what) {
      super(path + " " + what);
    }
  }

  /**
   * The file's bytes, or null when there is no entry at all.
   *
   * @throws NotARegularFileException for a link, a folder, or more than {@code maxBytes}
   */
  public static byte[] read(Path file, int maxBytes) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (attributes.isSymbolicLink()) {
      throw new NotARegularFileException(file, "is a symbolic link (links are never followed)");
    }
    if (!attributes.isRegularFile()) {
      throw new NotARegularFileException(file, "is not a regular file");
    }
    if (attributes.size() > maxBytes) {
      throw new NotARegularFileException(file, "is larger than " + maxBytes + " bytes");
    }
    // Sized by the file, not by the limit: a 1 MiB limit must not cost 1 MiB per small read. The
    // buffer grows if the file grew meanwhile, up to one byte past the limit.
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(attributes.size() + 1, maxBytes + 1L));
    try (SeekableByteChannel in =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (in.read(buffer) >= 0) {
        if (!buffer.hasRemaining()) {
          if (buffer.capacity() > maxBytes) {
            break; // one byte past the limit
          }
          ByteBuffer bigger =
              ByteBuffer.allocate((int) Math.min(buffer.capacity() * 2L, maxBytes + 1L));
          buffer.flip();
          bigger.put(buffer);
          Arrays.fill(buffer.array(), (byte) 0);
          buffer = bigger;
        }
      }
    } catch (NoSuchFileException e) {
      return null; // removed between the two calls
    }
    if (buffer.position() > maxBytes) {
      Arrays.fill(buffer.array(), (byte) 0);
      throw new NotARegularFileException(file, "is larger than " + maxBytes + " bytes");
    }
    byte[] content = Arrays.copyOf(buffer.array(), buffer.position());
    Arrays.fill(buffer.array(), (byte) 0); // it may have held a private key
    return content;
  }

  /** True when there is any entry (file, link, folder) at this path; links are not followed. */
  public static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Atomically replaces (or creates) {@code file} with {@code content} and the given mode (e.g.
   * {@link #PRIVATE}, {@link #PUBLIC}), set exactly whatever the umask. The folder must exist.
   */
  public static void write(Path file, byte[] content, String mode) throws IOException {
    write(
        file,
        mode,
        out -> {
          ByteBuffer buffer = ByteBuffer.wrap(content);
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
        });
  }

  /** Writes a file's content to a fresh temp file; see {@link #write(Path, String, Content)}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel out) throws IOException;
  }

  /**
   * As {@link #write(Path, byte[], String)}, for content too large to hold in memory: {@code
   * content} streams into a temp file beside {@code file}, which replaces {@code file} only when
   * {@code content} returns normally. When it throws (a failed hash check, a lost connection),
   * the temp file is removed and {@code file} is untouched.
   */
  public static void write(Path file, String mode, Content content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp =
        dir.resolve(
            TEMP_PREFIX + file.getFileName() + "-" + HexFormat.of().formatHex(randomBytes(6)));
    try {
      Set<StandardOpenOption> options =
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try (FileChannel out = FileChannel.open(temp, options, permissions(PRIVATE))) {
        content.writeTo(out);
        out.force(true);
      }
      if (POSIX) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
      }
      // rename(2) replaces a link at the target, it does not write through it.
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceFolder(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Removes the entry (a link itself, never its target) and makes that durable. */
  public static boolean delete(Path file) throws IOException {
    boolean deleted = Files.deleteIfExists(file);
    if (deleted) {
      forceFolder(file.toAbsolutePath().getParent());
    }
    return deleted;
  }

  /**
   * Deletes a file or folder tree, durably; links are deleted, never followed. Missing is fine.
   */
  public static void deleteTree(Path root) throws IOException {
    if (!exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path folder, IOException e)
              throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(folder);
            return FileVisitResult.CONTINUE;
          }
        });
    forceFolder(root.getParent());
  }

  /** Creates a missing folder (and its parents) 0700; an existing one must be a real folder. */
  public static void ensureFolder(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link; brine does not follow links to key folders");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, permissions(FOLDER));
    } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a folder");
    }
    if (POSIX) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(FOLDER));
    }
  }

  /** Makes renames and deletes in {@code dir} durable. */
  public static void forceFolder(Path dir) {
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
