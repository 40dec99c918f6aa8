package io.brine.master.pki;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The accepted keys at one moment ({@link PkiDirectory#acceptedKeys}): each id's key file by its
 * identity on disk, so a caller can tell a key removed or replaced since an earlier listing, also
 * when someone else (an offline {@code brine key -d}, an operator's {@code rm}) changed the folder.
 *
 * @param stamps the ids in {@code minions/}, sorted, with their files' stamps
 * @param removals {@link PkiDirectory#acceptedKeyRemovals} when the listing was taken
 * @param listedAt {@link System#nanoTime} when it was taken, under the folder's lock: listings
 *     taken one after the other are ordered by it, whichever thread then acts on them first
 */
public record AcceptedKeys(SortedMap<MinionId, Stamp> stamps, long removals, long listedAt) {
  public AcceptedKeys {
    stamps = Collections.unmodifiableSortedMap(new TreeMap<>(stamps));
  }

  /**
   * What tells one key file from its replacement: a write is a rename of a new file over the old
   * one, so the file key (device and inode) changes; the time and size catch an edit in place.
   */
  public record Stamp(Object fileKey, FileTime modified, long size) {
    public Stamp {
      Objects.requireNonNull(modified, "modified");
    }

    /** {@code file}'s stamp (one {@code lstat}), or null when it is gone or not a regular file. */
    public static Stamp of(Path file) throws IOException {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return null;
      }
      return a.isRegularFile() ? new Stamp(a.fileKey(), a.lastModifiedTime(), a.size()) : null;
    }
  }

  public Set<MinionId> ids() {
    return stamps.keySet();
  }
}
