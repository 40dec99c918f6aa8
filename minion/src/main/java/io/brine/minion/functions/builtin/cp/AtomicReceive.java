package io.brine.minion.functions.builtin.cp;

import io.brine.common.files.DurableFiles;
import io.brine.minion.functions.PipelinedCopy;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a pushed file so that its destination holds either the old content or every byte of the
 * new, never a part: a temp file ({@code 0600}) in the destination's own folder (so the rename
 * cannot cross file systems), the chunks with {@link PipelinedCopy}, fsync, the SHA-256 checked,
 * owner, group and mode set on the temp file, then one atomic rename and an fsync of the folder.
 * Any failure removes the temp file. Owner and group are looked up before a byte is fetched, and
 * the size is checked against the limit before anything is asked of the master.
 */
final class AtomicReceive {
  static final String TEMP_PREFIX = ".brine-cp-";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param dest where the file goes (absolute; an existing folder was already resolved to a file)
   * @param mode the permission bits, or null for 0644
   * @param user the owner's name, or null to leave it to the minion's user
   * @param group the group's name, or null
   */
  record Request(
      Path dest, long size, byte[] sha256, Set<PosixFilePermission> mode, String user, String group) {
    Request {
      Objects.requireNonNull(dest, "dest");
      if (size < 0 || sha256 == null || sha256.length != 32) {
        throw new IllegalArgumentException("a size >= 0 and a 32-byte sha256");
      }
    }
  }

  private AtomicReceive() {}

  /**
   * @throws IOException with a one-line message: over the limit, the folder missing, an unknown
   *     user or group, a failed read or a hash mismatch; the destination is untouched
   */
  static void receive(
      Request r, long maxBytes, PipelinedCopy.Reader reader, int chunkBytes, String shown)
      throws IOException {
    if (r.size() > maxBytes) {
      throw new IOException(
          shown + " is " + r.size() + " bytes, over this minion's limit of " + maxBytes);
    }
    Path folder = r.dest().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new NoSuchFileException(
          String.valueOf(folder), null, "the destination's folder does not exist");
    }
    UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
    UserPrincipal owner = r.user() == null ? null : lookUp(() -> names.lookupPrincipalByName(r.user()), "user", r.user());
    GroupPrincipal group =
        r.group() == null
            ? null
            : lookUp(() -> names.lookupPrincipalByGroupName(r.group()), "group", r.group());
    Path temp =
        folder.resolve(
            TEMP_PREFIX + r.dest().getFileName() + "-" + HexFormat.of().formatHex(random6()));
    try {
      try (FileChannel out =
          FileChannel.open(
              temp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        PipelinedCopy.copy(reader, r.size(), r.sha256(), chunkBytes, out, shown);
        out.force(true);
      }
      PosixFileAttributeView view =
          Files.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (owner != null) {
        view.setOwner(owner);
      }
      if (group != null) {
        view.setGroup(group);
      }
      // After chown, which may clear bits; never through a link (the temp file is our own).
      view.setPermissions(
          r.mode() != null ? r.mode() : PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, r.dest(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      DurableFiles.forceFolder(folder);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @FunctionalInterface
  private interface Lookup<T> {
    T get() throws IOException;
  }

  private static <T> T lookUp(Lookup<T> lookup, String kind, String name) throws IOException {
    try {
      return lookup.get();
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("no " + kind + " named " + name + " on this minion");
    }
  }

  private static byte[] random6() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }
}
