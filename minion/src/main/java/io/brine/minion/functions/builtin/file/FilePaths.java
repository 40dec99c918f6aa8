package io.brine.minion.functions.builtin.file;

import io.brine.minion.functions.Arguments;
import io.brine.minion.functions.FunctionException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** The path arguments of the file module, and its I/O failures as one line each. */
public final class FilePaths {
  private FilePaths() {}

  /**
   * An absolute path: a minion's working directory means nothing to the operator, so relative paths
   * are refused (Salt refuses them too for remove, replace, stats and most others).
   */
  static Path absolute(Arguments a, String function, String name) throws FunctionException {
    String given = a.requiredString(name);
    if (given.isEmpty()) {
      throw new FunctionException(function + ": '" + name + "' is empty");
    }
    Path p;
    try {
      p = Path.of(given);
    } catch (InvalidPathException e) {
      throw new FunctionException(function + ": '" + name + "' is not a valid path");
    }
    if (!p.isAbsolute()) {
      throw new FunctionException(
          function + ": '" + name + "' must be an absolute path, got " + given);
    }
    return p.normalize();
  }

  /** "No such file or directory: /x", as strerror words it, for the "ERROR: " line. */
  public static String describe(IOException e) {
    String file = e instanceof FileSystemException ? ((FileSystemException) e).getFile() : null;
    String where = file == null ? "" : ": " + file;
    if (e instanceof NoSuchFileException) {
      return "No such file or directory" + where;
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied" + where;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists" + where;
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory" + where;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "Directory not empty" + where;
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason() + where;
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
