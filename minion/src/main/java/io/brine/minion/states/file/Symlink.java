package io.brine.minion.states.file;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.OneLine;
import io.brine.minion.functions.builtin.file.FilePaths;
import io.brine.minion.states.StateCall;
import io.brine.minion.states.StateFunction;
import io.brine.minion.states.StateResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code file.symlink}: a link at {@code name} to {@code target}, owned (the link itself,
 * lchown) by {@code user}:{@code group} when given. A link to elsewhere is replaced atomically (a
 * new link beside it renamed over it); a file or folder in the way fails, or with {@code force} is
 * removed first. {@code makedirs} creates missing parents with the user, group and {@code mode}.
 */
final class Symlink implements StateFunction {
  private static final Set<String> UNSUPPORTED = Set.of("backupname", "win_owner", "win_perms",
      "win_deny_perms", "win_inheritance", "disallow_copy_and_unlink", "inherit_user_and_group");
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public String name() {
    return "file.symlink";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      StateArgs a = new StateArgs(name(), call);
      a.refuse(UNSUPPORTED);
      if (call.name().isEmpty()) {
        return StateResult.failed("Must provide name to file.symlink");
      }
      String target = a.string("target");
      if (target == null || target.isEmpty()) {
        return StateResult.failed("file.symlink: 'target' is required");
      }
      Perms perms = Perms.of(a.string("user"), a.string("group"), null);
      String dirMode = a.mode("mode");
      Path path = StateArgs.absolute(call.name());
      if (path.getParent() == null) {
        return StateResult.failed("Specified file " + call.name() + " is not a valid symlink path");
      }
      return symlink(call, a, path, Path.of(target), perms, dirMode);
    } catch (InvalidPathException e) {
      return StateResult.failed("file.symlink: 'target' is not a valid path");
    } catch (IllegalArgumentException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    } catch (IOException e) {
      return StateResult.failed(OneLine.of(FilePaths.describe(e)));
    }
  }

  private StateResult symlink(StateCall call, StateArgs a, Path path, Path target, Perms perms,
      String dirMode) throws IOException, InterruptedException {
    String name = call.name();
    boolean force = a.bool("force", false);
    boolean makedirs = a.bool("makedirs", false);
    Path folder = path.getParent();
    boolean isLink = Files.isSymbolicLink(path);
    boolean rightLink = isLink
        && Files.readSymbolicLink(path).normalize().equals(target.normalize());
    boolean inTheWay = !isLink && Files.exists(path, LinkOption.NOFOLLOW_LINKS);

    if (call.test()) {
      return check(name, target, path, isLink, rightLink, force, perms, folder, makedirs);
    }
    if (!Files.isDirectory(folder)) {
      if (!makedirs) {
        return StateResult.failed("Directory " + folder + " for symlink is not present");
      }
      StateResult failed = mkdir(call, folder, perms, dirMode);
      if (failed != null) {
        return failed;
      }
    }
    Map<String, Object> changes = new LinkedHashMap<>();
    if (rightLink) {
      Map<String, Object> owner = perms.changes(path);
      if (owner.isEmpty()) {
        return StateResult.ok("Symlink " + name + " is present and owned by " + owner(path));
      }
      try {
        perms.apply(path);
      } catch (Perms.PermsException e) {
        return StateResult.failed("Failed to set ownership of symlink " + name + " to "
            + wanted(perms, path));
      }
      changes.put("ownership", owner(path));
      return StateResult.changed(
          "Set ownership of symlink " + name + " to " + owner(path), changes);
    }
    if (inTheWay) {
      if (!force) {
        String kind = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? "File"
            : Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "Directory"
            : "File system entry";
        return StateResult.failed(kind + " exists where the symlink " + name + " should be");
      }
      try {
        FunctionOutput removed =
            call.context().call("file.remove", List.of(path.toString()), Map.of());
        if (removed.retcode() != 0) {
          return StateResult.failed(OneLine.of(String.valueOf(removed.value())));
        }
      } catch (FunctionException e) {
        return StateResult.failed(OneLine.of(e.getMessage()));
      }
    }
    try {
      if (isLink) {
        // A link to elsewhere: the new one is made beside it and renamed over it, so the name
        // never goes missing in between.
        Path temp = folder.resolve(".brine-tmp-" + path.getFileName() + "-"
            + HexFormat.of().formatHex(random()));
        Files.createSymbolicLink(temp, target);
        try {
          Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(temp);
        }
      } else {
        Files.createSymbolicLink(path, target);
      }
    } catch (IOException e) {
      return StateResult.failed("Unable to create new symlink " + name + " -> " + target + ": "
          + OneLine.of(FilePaths.describe(e)));
    }
    changes.put("new", name);
    String comment = "Created new symlink " + name + " -> " + target;
    try {
      perms.apply(path);
    } catch (Perms.PermsException e) {
      return new StateResult(false,
          comment + ", but was unable to set ownership to " + wanted(perms, path), changes);
    }
    return StateResult.changed(comment, changes);
  }

  /** Salt's _symlink_check: what test=True reports. */
  private static StateResult check(String name, Path target, Path path, boolean isLink,
      boolean rightLink, boolean force, Perms perms, Path folder, boolean makedirs)
      throws IOException {
    String note = Files.isDirectory(folder) ? ""
        : makedirs ? "\n" + folder + " will be created"
        : "\nDirectory " + folder + " for symlink is not present";
    if (!isLink && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return StateResult.wouldChange(
          "Symlink " + name + " to " + target + " is set for creation" + note,
          Map.of("new", name));
    }
    if (isLink && !rightLink) {
      return StateResult.wouldChange(
          "Link " + name + " target is set to be changed to " + target + note,
          Map.of("change", name));
    }
    if (rightLink) {
      if (perms.changes(path).isEmpty()) {
        return StateResult.ok("The symlink " + name + " is present" + note);
      }
      return StateResult.wouldChange("The symlink " + name + " is present, but the ownership of"
          + " the symlink would be changed from " + owner(path) + " to " + wanted(perms, path)
          + note, Map.of("ownership", owner(path)));
    }
    if (force) {
      return StateResult.wouldChange("The file or directory " + name + " is set for removal to"
          + " make way for a new symlink targeting " + target + note, Map.of());
    }
    return new StateResult(false, "File or directory exists where the symlink " + name
        + " should be. Did you mean to use force?", Map.of());
  }

  private static StateResult mkdir(StateCall call, Path folder, Perms perms, String mode)
      throws InterruptedException {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (perms.user != null) {
      kwargs.put("user", perms.user);
    }
    if (perms.group != null) {
      kwargs.put("group", perms.group);
    }
    if (mode != null) {
      kwargs.put("mode", mode);
    }
    try {
      FunctionOutput out = call.context().call("file.mkdir", List.of(folder.toString()), kwargs);
      return out.retcode() == 0
          ? null
          : StateResult.failed(OneLine.of(String.valueOf(out.value())));
    } catch (FunctionException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    }
  }

  /** The link's own owner, "user:group". */
  private static String owner(Path link) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(link, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.owner().getName() + ":" + a.group().getName();
  }

  private static String wanted(Perms perms, Path link) throws IOException {
    String[] now = owner(link).split(":", 2);
    return (perms.user != null ? perms.user : now[0]) + ":"
        + (perms.group != null ? perms.group : now[1]);
  }

  private static byte[] random() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return b;
  }
}
