package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code file.stat path [hash_type] [follow_symlinks=True]}, also under Salt's name {@code
 * file.stats}: Salt's keys, inode, uid, gid, user, group, atime, mtime, ctime (seconds, with
 * fractions), size, mode ("0644"), type (file, dir, char, block, link, pipe, socket) and target
 * (the real path), with sum (the hex digest) when hash_type is given for a regular file. A missing
 * path is Salt's "Path not found" error.
 */
public final class FileStats implements MinionFunction {
  private static final int S_IFMT = 0170000;

  private final String name;

  /**
   * @param name "file.stat" or Salt's "file.stats"
   */
  public FileStats(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String doc() {
    return "Returns a path's stat as Salt's file.stats: inode, uid, gid, user, group, times, size,"
        + " mode, type, target (sum with hash_type).";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a =
        Arguments.parse(call, name, List.of("path", "hash_type", "follow_symlinks"), Set.of());
    Path path = FilePaths.absolute(a, name, "path");
    Optional<String> hashType = a.optionalString("hash_type");
    MessageDigest digest =
        hashType.isPresent() ? Hashes.digest(name, "hash_type", hashType.get()) : null;
    LinkOption[] follow =
        a.bool("follow_symlinks", true)
            ? new LinkOption[0]
            : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    try {
      Map<String, Object> unix =
          Files.readAttributes(
              path, "unix:ino,uid,gid,mode,ctime,size,lastAccessTime,lastModifiedTime", follow);
      PosixFileAttributes posix = Files.readAttributes(path, PosixFileAttributes.class, follow);
      int mode = (Integer) unix.get("mode");
      Map<String, Object> ret = new LinkedHashMap<>();
      ret.put("inode", unix.get("ino"));
      ret.put("uid", unix.get("uid"));
      ret.put("gid", unix.get("gid"));
      ret.put("user", posix.owner().getName());
      ret.put("group", posix.group().getName());
      ret.put("atime", seconds((FileTime) unix.get("lastAccessTime")));
      ret.put("mtime", seconds((FileTime) unix.get("lastModifiedTime")));
      ret.put("ctime", seconds((FileTime) unix.get("ctime")));
      ret.put("size", unix.get("size"));
      ret.put("mode", String.format("%04o", mode & 07777));
      if (digest != null && posix.isRegularFile()) {
        ret.put("sum", Hashes.ofFile(digest, path));
      }
      ret.put("type", type(mode));
      ret.put("target", realPath(path));
      return FunctionOutput.ok(ret);
    } catch (NoSuchFileException e) {
      return CommandError.of("Path not found: " + path);
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
  }

  private static double seconds(FileTime t) {
    java.time.Instant i = t.toInstant();
    return i.getEpochSecond() + i.getNano() / 1e9;
  }

  static String type(int mode) {
    switch (mode & S_IFMT) {
      case 0040000:
        return "dir";
      case 0020000:
        return "char";
      case 0060000:
        return "block";
      case 0120000:
        return "link";
      case 0010000:
        return "pipe";
      case 0140000:
        return "socket";
      default:
        return "file";
    }
  }

  /** os.path.realpath: a dangling link has no real path; Salt then shows the path as given. */
  private static String realPath(Path path) {
    try {
      return path.toRealPath().toString();
    } catch (IOException e) {
      return path.toString();
    }
  }
}
