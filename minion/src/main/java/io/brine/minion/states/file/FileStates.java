package io.brine.minion.states.file;

import io.brine.minion.states.StateFunction;
import java.util.List;

/**
 * Salt's file states: file.managed, file.directory, file.absent, file.symlink, file.line and
 * file.replace, with Salt's argument names, comments and changes. Each is one class of this
 * package; they share the atomic write ({@link AtomicFile}), the user/group/mode check ({@link
 * Perms}) and the file module's helpers (modes, owners, diffs, Python regexes).
 */
public final class FileStates {
  private FileStates() {}

  public static List<StateFunction> all() {
    return List.of(new Managed(), new Directory(), new Absent(), new Symlink(), new Line(),
        new Replace());
  }
}
