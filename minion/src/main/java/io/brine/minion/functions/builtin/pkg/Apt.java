package io.brine.minion.functions.builtin.pkg;

import io.brine.minion.functions.builtin.Command;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.CommandRunner;
import io.brine.minion.functions.builtin.ToolFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Debian's tools as Salt's aptpkg runs them: dpkg-query for what is installed, apt-get for changes
 * (noninteractive, keeping changed configuration files), apt-cache policy for candidates, dpkg -i
 * for package files.
 */
final class Apt implements PackageManager {
  /** Salt's aptpkg sets these so that no package stops to ask a question. */
  static final Map<String, String> ENV =
      Map.of(
          "DEBIAN_FRONTEND", "noninteractive",
          "APT_LISTBUGS_FRONTEND", "none",
          "APT_LISTCHANGES_FRONTEND", "none");

  private static final Duration QUERY_TIME = Duration.ofMinutes(2);
  private static final Duration CHANGE_TIME = Duration.ofMinutes(30);

  private final CommandRunner runner;
  private String nativeArch;

  Apt(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public String tool() {
    return "apt";
  }

  @Override
  public String fileSuffix() {
    return ".deb";
  }

  @Override
  public List<String> installPositional() {
    return List.of(
        "name",
        "refresh",
        "fromrepo",
        "skip_verify",
        "debconf",
        "pkgs",
        "sources",
        "reinstall",
        "downloadonly",
        "ignore_epoch");
  }

  @Override
  public Set<String> installKeywords() {
    return Set.of("version", "saltenv");
  }

  @Override
  public Map<String, List<String>> installed() throws InterruptedException {
    String arch = nativeArch();
    Command c =
        Command.of(
            List.of(
                "dpkg-query",
                "-W",
                "--showformat=${Status}\\t${Package}\\t${Version}\\t${Architecture}\\n"),
            ENV,
            QUERY_TIME);
    CommandResult r = runner.run(c);
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    Map<String, List<String>> installed = new TreeMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split("\t");
      // "install ok installed" and "hold ok installed"; half-installed and config-files are not.
      if (f.length < 4 || !f[0].endsWith(" installed")) {
        continue;
      }
      String name = f[3].equals(arch) || f[3].equals("all") ? f[1] : f[1] + ":" + f[3];
      installed.computeIfAbsent(name, k -> new ArrayList<>()).add(f[2]);
    }
    return installed;
  }

  private synchronized String nativeArch() throws InterruptedException {
    if (nativeArch == null) {
      Command c = Command.of(List.of("dpkg", "--print-architecture"), ENV, QUERY_TIME);
      CommandResult r = runner.run(c);
      if (!r.ok()) {
        throw ToolFailure.of(c, r);
      }
      nativeArch = r.stdout().strip();
    }
    return nativeArch;
  }

  @Override
  public Outcome refresh() throws InterruptedException {
    return outcome(Command.of(List.of("apt-get", "-q", "update"), ENV, CHANGE_TIME));
  }

  @Override
  public Outcome install(Map<String, String> targets, InstallOptions o)
      throws InterruptedException {
    List<String> argv = aptGet(o);
    argv.add("install");
    targets.forEach((name, version) -> argv.add(version == null ? name : name + "=" + version));
    return outcome(Command.of(argv, ENV, CHANGE_TIME));
  }

  private static List<String> aptGet(InstallOptions o) {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y"));
    argv.addAll(
        List.of("-o", "DPkg::Options::=--force-confold", "-o", "DPkg::Options::=--force-confdef"));
    if (o.skipVerify()) {
      argv.add("--allow-unauthenticated");
    }
    if (o.fromrepo() != null) {
      argv.addAll(List.of("-t", o.fromrepo()));
    }
    if (o.reinstall()) {
      argv.add("--reinstall");
    }
    if (o.downloadOnly()) {
      argv.add("--download-only");
    }
    return argv;
  }

  @Override
  public Outcome installFiles(List<Path> files, InstallOptions o) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("dpkg", "-i"));
    if (o.skipVerify()) {
      argv.add("--force-bad-verify");
    }
    files.forEach(f -> argv.add(f.toString()));
    return outcome(Command.of(argv, ENV, CHANGE_TIME));
  }

  @Override
  public Outcome remove(List<String> names, boolean purge) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "-y", purge ? "purge" : "remove"));
    argv.addAll(names);
    return outcome(Command.of(argv, ENV, CHANGE_TIME));
  }

  @Override
  public Map<String, String> candidates(List<String> names) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("apt-cache", "-q", "policy"));
    argv.addAll(names);
    Command c = Command.of(argv, ENV, QUERY_TIME);
    CommandResult r = runner.run(c);
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    // "sl:" on a line of its own, then "  Installed: ..." and "  Candidate: 5.02-1".
    Map<String, String> candidates = new LinkedHashMap<>();
    String current = null;
    for (String line : r.stdout().split("\n")) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.endsWith(":")) {
        current = line.substring(0, line.length() - 1);
      } else if (current != null && line.strip().startsWith("Candidate:")) {
        String v = line.strip().substring("Candidate:".length()).strip();
        if (!v.isEmpty() && !v.equals("(none)")) {
          candidates.put(current, v);
        }
      }
    }
    return candidates;
  }

  private Outcome outcome(Command c) throws InterruptedException {
    CommandResult r = runner.run(c);
    return r.ok() ? Outcome.success() : Outcome.failure(ToolFailure.describe(c, r));
  }
}
