package io.brine.minion.functions.builtin.pkg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One host's package tool (apt or dnf) as the pkg module uses it. Every name and version given has
 * passed {@link io.brine.minion.functions.builtin.SafeName}; files are paths the module made.
 */
interface PackageManager {
  /** "apt" or "dnf", for messages. */
  String tool();

  /** The file name ending the tool wants of a package file: ".deb", ".rpm". */
  String fileSuffix();

  /** Salt's positional parameters of pkg.install for this backend (aptpkg and yumpkg differ). */
  List<String> installPositional();

  /** The keyword-only parameters of pkg.install this backend takes. */
  Set<String> installKeywords();

  /** Installed packages: name (with ".arch" or ":arch" for a foreign one) to its versions. */
  Map<String, List<String>> installed() throws InterruptedException;

  /** Refreshes the package database (apt-get update); a failure as a one-line message. */
  Outcome refresh() throws InterruptedException;

  /** Installs from the repositories: name to the version wanted, or null for any. */
  Outcome install(Map<String, String> targets, InstallOptions options) throws InterruptedException;

  /** Installs package files (sources=). */
  Outcome installFiles(List<Path> files, InstallOptions options) throws InterruptedException;

  Outcome remove(List<String> names, boolean purge) throws InterruptedException;

  /** The version each name would install now; absent when no repository has it. */
  Map<String, String> candidates(List<String> names) throws InterruptedException;

  record InstallOptions(
      String fromrepo, boolean skipVerify, boolean reinstall, boolean downloadOnly) {}

  /** A tool's run: ok, or the one line saying why not. */
  record Outcome(boolean ok, String error) {
    static Outcome success() {
      return new Outcome(true, "");
    }

    static Outcome failure(String error) {
      return new Outcome(false, error);
    }
  }
}
