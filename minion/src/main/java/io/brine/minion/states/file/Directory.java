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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Salt's {@code file.directory}: a folder at {@code name} with the {@code user}, {@code group} and
 * {@code dir_mode} (or {@code mode}) given; {@code makedirs} creates missing parents with the same.
 * A link to a folder is the folder (Salt's allow_symlink, on by default), but its user and group
 * are the link's own and no mode is set through it. A file or link in the way fails, or with
 * {@code force} is removed first. The recursive and cleaning arguments (recurse, clean, ...) are
 * refused, not ignored: brine does not do them.
 */
final class Directory implements StateFunction {
  private static final Set<String> UNSUPPORTED = Set.of("recurse", "max_depth", "clean",
      "exclude_pat", "file_mode", "backupname", "children_only", "follow_symlinks", "win_owner",
      "win_perms", "win_deny_perms", "win_inheritance", "win_perms_reset");

  @Override
  public String name() {
    return "file.directory";
  }

  @Override
  public StateResult apply(StateCall call) throws InterruptedException {
    try {
      StateArgs a = new StateArgs(name(), call);
      a.refuse(UNSUPPORTED);
      if (call.name().isEmpty()) {
        return StateResult.failed("Must provide name to file.directory");
      }
      Path path = StateArgs.absolute(call.name());
      String mode = a.has("dir_mode") ? a.mode("dir_mode") : a.mode("mode");
      Perms perms = Perms.of(a.string("user"), a.string("group"), mode);
      return directory(call, a, path, perms);
    } catch (IllegalArgumentException | FunctionException e) {
      return StateResult.failed(OneLine.of(e.getMessage()));
    } catch (IOException e) {
      return StateResult.failed(OneLine.of(FilePaths.describe(e)));
    }
  }

  private StateResult directory(StateCall call, StateArgs a, Path path, Perms perms)
      throws IOException, InterruptedException, FunctionException {
    String name = call.name();
    boolean force = a.bool("force", false);
    boolean makedirs = a.bool("makedirs", false);
    boolean allowSymlink = a.bool("allow_symlink", true);
    Map<String, Object> changes = new LinkedHashMap<>();
    boolean link = Files.isSymbolicLink(path);
    boolean inTheWay = false;
    if (link && !(allowSymlink && Files.isDirectory(path))) {
      if (!force) {
        return StateResult.failed("Specified location " + name + " exists and is a symlink");
      }
      inTheWay = true;
    } else if (!link && Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      if (!force) {
        return StateResult.failed("Specified location " + name + " exists and is a file");
      }
      inTheWay = true;
    }
    boolean present = !inTheWay && Files.isDirectory(path);
    if (link && present) {
      perms = perms.withoutMode(); // a link has no mode, and none is set through it
    }
    if (call.test()) {
      Map<String, Object> would = new LinkedHashMap<>();
      if (!present) {
        would.put("directory", "new");
      } else {
        would.putAll(perms.changes(path));
      }
      if (would.isEmpty()) {
        return StateResult.ok("The directory " + name + " is in the correct state");
      }
      StringBuilder comment = new StringBuilder("The following files will be changed:\n");
      would.forEach((k, v) -> comment.append(name).append(": ").append(k).append(" - ")
          .append(v).append('\n'));
      return StateResult.wouldChange(comment.toString(), Map.of(name, would));
    }
    if (!present) {
      if (!Files.isDirectory(path.getParent()) && !makedirs) {
        return StateResult.failed("No directory to create " + name + " in");
      }
      if (inTheWay) {
        FunctionOutput removed =
            call.context().call("file.remove", List.of(path.toString()), Map.of());
        if (removed.retcode() != 0) {
          return StateResult.failed(OneLine.of(String.valueOf(removed.value())));
        }
        changes.put("forced",
            link ? "Symlink was forcibly replaced" : "File was forcibly replaced");
      }
      Map<String, Object> kwargs = new LinkedHashMap<>();
      if (perms.user != null) {
        kwargs.put("user", perms.user);
      }
      if (perms.group != null) {
        kwargs.put("group", perms.group);
      }
      if (perms.mode != null) {
        kwargs.put("mode", perms.mode);
      }
      try {
        FunctionOutput made =
            call.context().call("file.mkdir", List.of(path.toString()), kwargs);
        if (made.retcode() != 0) {
          return StateResult.failed(OneLine.of(String.valueOf(made.value())));
        }
      } catch (FunctionException e) {
        return StateResult.failed(OneLine.of(e.getMessage()));
      }
      changes.put(name, "New Dir");
    }
    Map<String, Object> permChanges = perms.changes(path);
    try {
      perms.apply(path);
    } catch (Perms.PermsException e) {
      return StateResult.failed(e.getMessage());
    }
    changes.putAll(permChanges);
    if (changes.isEmpty()) {
      return StateResult.ok("Directory " + name + " is in the correct state");
    }
    return StateResult.changed("Directory " + name + " updated", changes);
  }
}
