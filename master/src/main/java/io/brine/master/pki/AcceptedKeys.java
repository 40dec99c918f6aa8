package io.brine.master.pki;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The accepted keys at one moment ({@link MinionKeyStore#acceptedKeys}): each id's key by the
 * identity of its stored copy, so a caller can tell a key removed or replaced since an earlier
 * listing, also when someone else (another master, an offline {@code brine key -d}, an operator's
 * {@code rm}) changed the store.
 *
 * @param stamps the accepted ids, sorted, with their keys' stamps
 * @param removals {@link MinionKeyStore#acceptedKeyRemovals} when the listing was taken
 * @param listedAt {@link System#nanoTime} when it was taken (in the folder, under its lock; in a
 *     database, before the query): listings taken one after the other are ordered by it,
 *     whichever thread then acts on them first
 */
public record AcceptedKeys(SortedMap<MinionId, Stamp> stamps, long removals, long listedAt) {
  public AcceptedKeys {
    stamps = Collections.unmodifiableSortedMap(new TreeMap<>(stamps));
  }

  /**
   * What tells one stored copy of a key from its replacement; equal stamps are the same copy.
   *
   * @param identity in the folder the file key (device and inode: a write is a rename of a new
   *     file over the old one, so it changes); in a database the row's version, new at every write
   * @param changed when the copy was written (a file's mtime catches an edit in place)
   * @param size the stored key's length
   */
  public record Stamp(Object identity, Instant changed, long size) {
    public Stamp {
      Objects.requireNonNull(changed, "changed");
    }

    /** {@code file}'s stamp (one {@code lstat}), or null when it is gone or not a regular file. */
    static Stamp ofFile(Path file) throws IOException {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return null;
      }
      return a.isRegularFile()
          ? new Stamp(a.fileKey(), a.lastModifiedTime().toInstant(), a.size())
          : null;
    }
  }

  public Set<MinionId> ids() {
    return stamps.keySet();
  }
}
