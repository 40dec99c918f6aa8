package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionCall;
import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.MinionFunction;
import io.brine.minion.functions.builtin.CommandError;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code file.mkdir dir_path [user] [group] [mode]}: creates the folder and its missing parents,
 * each created one given the user, group and mode, as Salt's makedirs_perms; True. A folder that is
 * already there is left as it is. Unknown users and groups are refused before anything is created.
 */
public final class FileMkdir implements MinionFunction {
  @Override
  public String name() {
    return "file.mkdir";
  }

  @Override
  public String doc() {
    return "Creates a directory and its parents (user, group, mode for the ones created); true.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a =
        Arguments.parse(call, name(), List.of("dir_path", "user", "group", "mode"), Set.of());
    Path dir = FilePaths.absolute(a, name(), "dir_path");
    Optional<String> mode = a.optionalString("mode");
    Set<PosixFilePermission> perms = mode.isPresent() ? Modes.parse(name(), mode.get()) : null;
    try {
      Optional<String> user = a.optionalString("user").filter(s -> !s.isEmpty());
      Optional<String> group = a.optionalString("group").filter(s -> !s.isEmpty());
      Optional<UserPrincipal> owner = user.isPresent() ? Owners.user(user.get()) : Optional.empty();
      if (user.isPresent() && owner.isEmpty()) {
        return CommandError.of("User " + user.get() + " does not exist");
      }
      Optional<GroupPrincipal> gid =
          group.isPresent() ? Owners.group(group.get()) : Optional.empty();
      if (group.isPresent() && gid.isEmpty()) {
        return CommandError.of("Group " + group.get() + " does not exist");
      }
      if (Files.isDirectory(dir)) {
        return FunctionOutput.ok(true);
      }
      Deque<Path> missing = new ArrayDeque<>();
      for (Path p = dir;
          p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
          p = p.getParent()) {
        missing.push(p);
      }
      for (Path p : missing) {
        try {
          Files.createDirectory(p);
        } catch (FileAlreadyExistsException e) {
          // Made meanwhile by someone else (minions sharing a parent, two jobs at once): a folder
          // is what was wanted, but it is not ours to chown or chmod. Anything else is refused.
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          throw e;
        }
        PosixFileAttributeView view =
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (owner.isPresent()) {
          view.setOwner(owner.get());
        }
        if (gid.isPresent()) {
          view.setGroup(gid.get());
        }
        if (perms != null) {
          view.setPermissions(perms);
        }
      }
      return FunctionOutput.ok(true);
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
  }
}
