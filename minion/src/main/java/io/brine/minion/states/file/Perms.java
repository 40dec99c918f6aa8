package io.brine.minion.states.file;

import io.brine.minion.functions.builtin.file.Owners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The user, group and mode a state asks of a path, as Salt's check_perms checks and sets them:
 * each given one that differs is a change named "user", "group" or "mode" (the value asked for).
 * Nothing here follows a link: a link's own owner is read and set (lchown), and a link has no mode
 * of its own, so a mode is never applied through one.
 */
final class Perms {
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  final String user;
  final String group;
  final String mode;
  private final UserPrincipal owner;
  private final GroupPrincipal groupPrincipal;

  private Perms(String user, String group, String mode, UserPrincipal owner, GroupPrincipal g) {
    this.user = user;
    this.group = group;
    this.mode = mode;
    this.owner = owner;
    this.groupPrincipal = g;
  }

  /**
   * Salt's _check_user: an unknown user or group is refused before anything is touched, "User x is
   * not available" (IllegalArgumentException).
   */
  static Perms of(String user, String group, String mode) throws IOException {
    user = user == null || user.isEmpty() ? null : user;
    group = group == null || group.isEmpty() ? null : group;
    UserPrincipal owner = null;
    GroupPrincipal g = null;
    StringBuilder missing = new StringBuilder();
    if (user != null) {
      owner = Owners.user(user).orElse(null);
      if (owner == null) {
        missing.append("User ").append(user).append(" is not available");
      }
    }
    if (group != null) {
      g = Owners.group(group).orElse(null);
      if (g == null) {
        missing.append(missing.length() > 0 ? ". " : "").append("Group ").append(group)
            .append(" is not available");
      }
    }
    if (missing.length() > 0) {
      throw new IllegalArgumentException(missing.toString());
    }
    return new Perms(user, group, mode, owner, g);
  }

  /** The owner, group and mode a file has now: a backup of it gets the same. */
  static Perms like(PosixFileAttributes a) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (a.permissions().contains(BITS[i])) {
        mode |= 1 << i;
      }
    }
    return new Perms(a.owner().getName(), a.group().getName(), String.format("%04o", mode),
        a.owner(), a.group());
  }

  static Perms none() {
    return new Perms(null, null, null, null, null);
  }

  Perms withoutMode() {
    return new Perms(user, group, null, owner, groupPrincipal);
  }

  /** What would change on {@code path} (not followed), in Salt's keys. */
  Map<String, Object> changes(Path path) throws IOException {
    PosixFileAttributes now =
        Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Map<String, Object> changes = new LinkedHashMap<>();
    if (owner != null && !now.owner().equals(owner)) {
      changes.put("user", user);
    }
    if (groupPrincipal != null && !now.group().equals(groupPrincipal)) {
      changes.put("group", group);
    }
    if (mode != null && !now.isSymbolicLink() && !permissions().equals(now.permissions())) {
      changes.put("mode", mode);
    }
    return changes;
  }

  /**
   * Sets what differs on {@code path}, never through a link.
   *
   * @throws PermsException naming what could not be set, as Salt's "Failed to change user to x"
   */
  void apply(Path path) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    PosixFileAttributes now = view.readAttributes();
    if (owner != null && !now.owner().equals(owner)) {
      try {
        view.setOwner(owner);
      } catch (IOException e) {
        throw new PermsException("Failed to change user to " + user);
      }
    }
    if (groupPrincipal != null && !now.group().equals(groupPrincipal)) {
      try {
        view.setGroup(groupPrincipal);
      } catch (IOException e) {
        throw new PermsException("Failed to change group to " + group);
      }
    }
    if (mode != null && !now.isSymbolicLink() && !permissions().equals(now.permissions())) {
      try {
        // Not followed: the JDK opens the path O_NOFOLLOW and fchmods it.
        view.setPermissions(permissions());
      } catch (IOException e) {
        throw new PermsException("Failed to change mode to " + mode);
      }
    }
  }

  /** The permission bits of {@link #mode}, or null when no mode is asked. */
  Set<PosixFilePermission> permissions() {
    if (mode == null) {
      return null;
    }
    return bits(Integer.parseInt(mode, 8));
  }

  static Set<PosixFilePermission> bits(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }

  /** A user, group or mode that could not be set; its message is the state's comment. */
  static final class PermsException extends IOException {
    private static final long serialVersionUID = 1L;

    PermsException(String message) {
      super(message);
    }
  }
}
