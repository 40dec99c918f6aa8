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
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code file.chown path user group}: sets the owner and group (names or numbers; an empty one is
 * left as it is), returns None on success as Salt's. As Salt's, a link is followed (chown(1)'s
 * default), and a dangling link gets its own owner changed. An unknown user or group, or a missing
 * path, is an error naming each problem, and nothing is changed.
 */
public final class FileChown implements MinionFunction {
  @Override
  public String name() {
    return "file.chown";
  }

  @Override
  public String doc() {
    return "Sets the owner and group of a file (names or ids; empty keeps that one); returns None.";
  }

  @Override
  public FunctionOutput call(FunctionCall call) throws FunctionException {
    Arguments a = Arguments.parse(call, name(), List.of("path", "user", "group"), Set.of());
    Path path = FilePaths.absolute(a, name(), "path");
    String user = a.requiredString("user");
    String group = a.requiredString("group");
    try {
      List<String> problems = new ArrayList<>();
      Optional<UserPrincipal> owner = user.isEmpty() ? Optional.empty() : Owners.user(user);
      if (!user.isEmpty() && owner.isEmpty()) {
        problems.add("User does not exist");
      }
      Optional<GroupPrincipal> gid = group.isEmpty() ? Optional.empty() : Owners.group(group);
      if (!group.isEmpty() && gid.isEmpty()) {
        problems.add("Group does not exist");
      }
      boolean dangling = !Files.exists(path) && Files.isSymbolicLink(path);
      if (!Files.exists(path) && !dangling) {
        problems.add("File not found");
      }
      if (!problems.isEmpty()) {
        return CommandError.of(String.join("; ", problems) + ": " + path);
      }
      PosixFileAttributeView view =
          dangling
              ? Files.getFileAttributeView(
                  path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              : Files.getFileAttributeView(path, PosixFileAttributeView.class);
      if (owner.isPresent()) {
        view.setOwner(owner.get());
      }
      if (gid.isPresent()) {
        view.setGroup(gid.get());
      }
      return FunctionOutput.ok(null);
    } catch (IOException e) {
      return CommandError.of(FilePaths.describe(e));
    }
  }
}
