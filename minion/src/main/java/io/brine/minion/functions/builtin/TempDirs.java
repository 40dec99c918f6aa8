package io.brine.minion.functions.builtin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Private temporary directories for files a function fetches and runs (scripts, package files):
 * mode 0700, so no other user can swap the file between fetch and use, and removed afterwards.
 */
public final class TempDirs {
  private TempDirs() {}

  public static Path create(String prefix) throws IOException {
    // On POSIX, createTempDirectory makes the directory rwx------.
    return Files.createTempDirectory(prefix);
  }

  /** Removes the directory and everything in it; null is nothing to remove. */
  public static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
