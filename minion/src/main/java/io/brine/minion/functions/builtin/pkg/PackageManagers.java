package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.builtin.CommandRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the host's package tool by the programs it has, as Salt picks aptpkg or yumpkg by
 * os_family: dpkg-query and apt-get make apt, dnf and rpm make dnf.
 */
final class PackageManagers {
  private static volatile Optional<PackageManager> host;

  private PackageManagers() {}

  /** This host's, looked up once. */
  static Optional<PackageManager> host() {
    Optional<PackageManager> found = host;
    if (found == null) {
      found = detect(PackageManagers::onPath, CommandRunner.system());
      host = found;
    }
    return found;
  }

  static Optional<PackageManager> detect(Predicate<String> onPath, CommandRunner runner) {
    if (onPath.test("dpkg-query") && onPath.test("apt-get")) {
      return Optional.of(new Apt(runner));
    }
    if (onPath.test("dnf") && onPath.test("rpm")) {
      return Optional.of(new Dnf(runner));
    }
    return Optional.empty();
  }

  /** An executable of that name in PATH or the usual system directories. */
  static boolean onPath(String program) {
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(d);
        }
      }
    }
    dirs.addAll(Set.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    for (String d : dirs) {
      Path p = Path.of(d, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }
}
