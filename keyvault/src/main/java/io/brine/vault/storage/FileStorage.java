package io.brine.vault.storage;

import io.brine.vault.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Storage}: one folder, a storage path {@code a/b/c} being the file {@code
 * a/b/c} under it.
 *
 * <p>A put writes a hidden temporary file ({@code .<name>.<random>.tmp}, mode 0600) beside the
 * target, forces it to disk, renames it over the target and forces the folder. The rename is
 * atomic, so after a crash the path holds the whole new value or the whole previous one; the two
 * forces make the new value survive a power cut once put returns. Folders are created 0700.
 *
 * <p>Every file name is built from a path that passed {@link StoragePaths#check}, and no symbolic
 * link below the root is followed: a link planted in the folder cannot make a read or a write
 * escape it. The check walks the existing components before each operation and files are opened
 * with {@link LinkOption#NOFOLLOW_LINKS}; someone who can swap a folder for a link between the
 * check and the open can already write to the storage folder, and so already holds everything in
 * it.
 *
 * <p>Failures are {@link VaultException}s with a one-line message; the stack trace goes to the log
 * at debug. Thread-safe: concurrent puts of one path leave one of the values.
 */
public final class FileStorage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(FileStorage.class);

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Keeps a temporary file's name within the 255-byte limit of common file systems: the name is cut
   * to this length, leaving room for the dots, the random part and ".tmp".
   */
  private static final int MAX_NAME_IN_TEMP = 200;

  private static final Set<OpenOption> TEMP_OPEN_OPTIONS =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private final Path root;
  private final WriteStepObserver observer;
  private final FileAttribute<?>[] folderAttributes;
  private final FileAttribute<?>[] fileAttributes;

  private FileStorage(Path root, WriteStepObserver observer, boolean posix) {
    this.root = root;
    this.observer = observer;
    this.folderAttributes = posix ? permissions("rwx------") : new FileAttribute<?>[0];
    this.fileAttributes = posix ? permissions("rw-------") : new FileAttribute<?>[0];
  }

  /** Opens the storage in {@code dir}, creating it (mode 0700) if it does not exist. */
  public static FileStorage open(Path dir) throws VaultException {
    return open(dir, WriteStepObserver.NONE);
  }

  /** As {@link #open(Path)}, calling {@code observer} before each step of every change. */
  public static FileStorage open(Path dir, WriteStepObserver observer) throws VaultException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(observer, "observer");
    Path absolute = dir.toAbsolutePath().normalize();
    boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      if (!Files.exists(absolute)) {
        Files.createDirectories(
            absolute, posix ? permissions("rwx------") : new FileAttribute<?>[0]);
      }
      if (!Files.isDirectory(absolute)) {
        throw new VaultException("storage folder " + dir + " exists and is not a folder");
      }
      // The root itself may be a link (an operator's choice, say /var/lib/brine to another disk);
      // it is resolved once here, and links below it are refused.
      return new FileStorage(absolute.toRealPath(), observer, posix);
    } catch (IOException e) {
      throw failure("cannot open storage folder " + dir, e);
    }
  }

  /** The folder this storage keeps its files in, with links resolved. */
  public Path directory() {
    return root;
  }

  @Override
  public Optional<byte[]> get(String path) throws VaultException {
    Path file = locate(path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted between the check and the open
    } catch (IOException e) {
      throw failure("storage read failed for " + path, e);
    }
  }

  @Override
  public void put(String path, byte[] value) throws VaultException {
    Objects.requireNonNull(value, "value");
    Path target = locate(path);
    Path folder = target.getParent();
    Path temp = null;
    try {
      createFolders(folder, path);
      observer.before(WriteStep.WRITE_TEMP, path);
      Path candidate = folder.resolve(tempName(target.getFileName().toString()));
      FileChannel channel = FileChannel.open(candidate, TEMP_OPEN_OPTIONS, fileAttributes);
      temp = candidate; // only now is it ours to delete
      try (channel) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        observer.before(WriteStep.FSYNC_TEMP, path);
        channel.force(true);
      }
      observer.before(WriteStep.RENAME, path);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      observer.before(WriteStep.FSYNC_DIR, path);
      forceFolder(folder);
    } catch (IOException e) {
      throw failure("storage write failed for " + path, e);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  @Override
  public void delete(String path) throws VaultException {
    Path file = locate(path);
    try {
      observer.before(WriteStep.DELETE, path);
      // A folder is not a value: deleting "a" leaves the folder "a/" and its contents alone.
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
        observer.before(WriteStep.FSYNC_DIR, path);
        forceFolder(file.getParent());
      }
    } catch (IOException e) {
      throw failure("storage delete failed for " + path, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Hidden files (the temporary files of puts in progress or interrupted by a crash), links,
   * names that are not valid path segments, and folders holding no value are not listed. Folders
   * are not removed when their last value is deleted, so that a delete never races with a put
   * creating a file in the same folder; they simply stop being listed.
   */
  @Override
  public List<String> list(String prefix) throws VaultException {
    StoragePaths.checkPrefix(prefix);
    Path folder = prefix.isEmpty() ? root : locate(prefix.substring(0, prefix.length() - 1));
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!StoragePaths.isValidSegment(name)) {
          continue;
        }
        BasicFileAttributes attributes = attributesOrNull(entry);
        if (attributes == null) {
          continue;
        }
        if (attributes.isRegularFile()) {
          names.add(name);
        } else if (attributes.isDirectory() && holdsValue(entry)) {
          names.add(name + "/");
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // removed while listing
    } catch (IOException e) {
      throw failure("storage list failed for prefix " + StoragePaths.quote(prefix), e);
    }
    Collections.sort(names);
    return Collections.unmodifiableList(names);
  }

  @Override
  public String toString() {
    return "FileStorage[" + root + "]";
  }

  /**
   * The file for a storage path: checked, confined to the root, and with no link on the way. Only
   * components that exist are looked at; below a missing one or a file there is nothing to follow.
   */
  private Path locate(String path) throws VaultException {
    StoragePaths.check(path);
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      // StoragePaths rules out "..", so this is a second fence, not an expected path.
      throw new VaultException(
          "storage path " + StoragePaths.quote(path) + " leaves the storage folder");
    }
    Path current = root;
    for (Path name : root.relativize(file)) {
      current = current.resolve(name);
      if (Files.isSymbolicLink(current)) {
        throw symbolicLink(path);
      }
      if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
    }
    return file;
  }

  /** Creates the missing folders from the root down to {@code folder}, each 0700 and synced. */
  private void createFolders(Path folder, String path) throws IOException, VaultException {
    if (folder.equals(root)) {
      return;
    }
    Path current = root;
    for (Path name : root.relativize(folder)) {
      current = current.resolve(name);
      if (Files.isSymbolicLink(current)) {
        throw symbolicLink(path);
      }
      if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        throw notAFolder(path, current);
      }
      try {
        Files.createDirectory(current, folderAttributes);
        // A new folder's entry in its parent must reach the disk too, or the value written into
        // it could vanish with it after a crash.
        forceFolder(current.getParent());
      } catch (FileAlreadyExistsException e) {
        if (Files.isSymbolicLink(current)) {
          throw symbolicLink(path);
        }
        if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
          throw notAFolder(path, current);
        }
        // another put created it first
      }
    }
  }

  private VaultException notAFolder(String path, Path current) {
    return new VaultException(
        "storage write failed for "
            + path
            + ": "
            + root.relativize(current)
            + " holds a value, not a folder");
  }

  /** Whether a folder holds a value at any depth; stops at the first one found. */
  private static boolean holdsValue(Path folder) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        if (!StoragePaths.isValidSegment(entry.getFileName().toString())) {
          continue;
        }
        BasicFileAttributes attributes = attributesOrNull(entry);
        if (attributes == null) {
          continue;
        }
        if (attributes.isRegularFile() || (attributes.isDirectory() && holdsValue(entry))) {
          return true;
        }
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    return false;
  }

  private static BasicFileAttributes attributesOrNull(Path entry) throws IOException {
    try {
      return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null; // removed while listing
    }
  }

  /** Makes a folder's entries (a rename, a removal, a new subfolder) durable. Works on Linux. */
  private static void forceFolder(Path folder) throws IOException {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String tempName(String name) {
    String kept = name.length() > MAX_NAME_IN_TEMP ? name.substring(0, MAX_NAME_IN_TEMP) : name;
    return "." + kept + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp";
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // The hidden file is never read or listed; it costs disk space only.
      LOG.warn("could not remove temporary file {}: {}", temp, reason(e));
    }
  }

  private static VaultException symbolicLink(String path) {
    return new VaultException(
        "storage path "
            + StoragePaths.quote(path)
            + " runs through a symbolic link in the storage folder; refusing to follow it");
  }

  private static VaultException failure(String message, IOException e) {
    LOG.debug("{}", message, e);
    return new VaultException(message + ": " + reason(e));
  }

  /**
   * A short reason without the absolute file name that {@link FileSystemException#getMessage}
   * includes: the operator knows where the storage folder is, a client need not.
   */
  private static String reason(IOException e) {
    String reason;
    if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      reason = "no such file or folder";
    } else if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      reason = ((FileSystemException) e).getReason();
    } else if (e.getMessage() != null) {
      reason = e.getMessage();
    } else {
      reason = e.getClass().getSimpleName();
    }
    return reason.replaceAll("[\\r\\n]+", " ");
  }

  private static FileAttribute<?>[] permissions(String mode) {
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))
    };
  }
}
