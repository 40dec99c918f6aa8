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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fedora's and EL's tools as Salt's yumpkg runs them: rpm -qa for what is installed, dnf -y for
 * changes, dnf repoquery for candidates. Salt's version strings: "[epoch:]version-release", a
 * foreign architecture as "name.arch".
 */
final class Dnf implements PackageManager {
  private static final Duration QUERY_TIME = Duration.ofMinutes(2);
  private static final Duration CHANGE_TIME = Duration.ofMinutes(30);

  private final CommandRunner runner;
  private final String nativeArch;

  Dnf(CommandRunner runner) {
    this(runner, rpmArch(System.getProperty("os.arch", "")));
  }

  Dnf(CommandRunner runner, String nativeArch) {
    this.runner = runner;
    this.nativeArch = nativeArch;
  }

  /** The JVM's name of the machine to rpm's. */
  static String rpmArch(String javaArch) {
    String a = javaArch.toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64" -> "x86_64";
      case "x86" -> "i686";
      default -> a;
    };
  }

  @Override
  public String tool() {
    return "dnf";
  }

  @Override
  public String fileSuffix() {
    return ".rpm";
  }

  @Override
  public List<String> installPositional() {
    return List.of(
        "name",
        "refresh",
        "skip_verify",
        "pkgs",
        "sources",
        "downloadonly",
        "reinstall",
        "normalize",
        "update_holds",
        "saltenv",
        "ignore_epoch");
  }

  @Override
  public Set<String> installKeywords() {
    return Set.of("version", "fromrepo");
  }

  @Override
  public Map<String, List<String>> installed() throws InterruptedException {
    Command c =
        Command.of(
            List.of(
                "rpm",
                "-qa",
                "--queryformat",
                "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n"),
            Map.of(),
            QUERY_TIME);
    CommandResult r = runner.run(c);
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    Map<String, List<String>> installed = new TreeMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split("\t");
      // gpg-pubkey entries are imported keys, not packages (Salt leaves them out too).
      if (f.length < 5 || f[0].equals("gpg-pubkey")) {
        continue;
      }
      String epoch = f[1].equals("(none)") || f[1].equals("0") ? "" : f[1] + ":";
      String version = epoch + f[2] + "-" + f[3];
      String arch = f[4];
      String name =
          arch.equals("noarch") || arch.equals(nativeArch) || arch.equals("(none)")
              ? f[0]
              : f[0] + "." + arch;
      installed.computeIfAbsent(name, k -> new ArrayList<>()).add(version);
    }
    return installed;
  }

  @Override
  public Outcome refresh() throws InterruptedException {
    return outcome(Command.of(List.of("dnf", "-y", "-q", "makecache"), Map.of(), CHANGE_TIME));
  }

  @Override
  public Outcome install(Map<String, String> targets, InstallOptions o)
      throws InterruptedException {
    List<String> argv = dnf(o);
    argv.add(o.reinstall() ? "reinstall" : "install");
    targets.forEach((name, version) -> argv.add(version == null ? name : name + "-" + version));
    return outcome(Command.of(argv, Map.of(), CHANGE_TIME));
  }

  private static List<String> dnf(InstallOptions o) {
    List<String> argv = new ArrayList<>(List.of("dnf", "-y"));
    if (o.skipVerify()) {
      argv.add("--nogpgcheck");
    }
    if (o.fromrepo() != null) {
      // Salt's fromrepo: that repository only.
      argv.addAll(List.of("--disablerepo=*", "--enablerepo=" + o.fromrepo()));
    }
    if (o.downloadOnly()) {
      argv.add("--downloadonly");
    }
    return argv;
  }

  @Override
  public Outcome installFiles(List<Path> files, InstallOptions o) throws InterruptedException {
    List<String> argv = dnf(o);
    argv.add(o.reinstall() ? "reinstall" : "install");
    files.forEach(f -> argv.add(f.toString()));
    return outcome(Command.of(argv, Map.of(), CHANGE_TIME));
  }

  @Override
  public Outcome remove(List<String> names, boolean purge) throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of("dnf", "-y", "remove"));
    argv.addAll(names);
    return outcome(Command.of(argv, Map.of(), CHANGE_TIME));
  }

  @Override
  public Map<String, String> candidates(List<String> names) throws InterruptedException {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "dnf",
                "-q",
                "repoquery",
                "--latest-limit=1",
                "--arch=" + nativeArch + ",noarch",
                "--queryformat",
                "%{name}\\t%{epoch}\\t%{version}\\t%{release}\\n"));
    argv.addAll(names);
    Command c = Command.of(argv, Map.of(), QUERY_TIME);
    CommandResult r = runner.run(c);
    if (!r.ok()) {
      throw ToolFailure.of(c, r);
    }
    Map<String, String> candidates = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split("\t");
      if (f.length < 4) {
        continue;
      }
      String epoch = f[1].equals("(none)") || f[1].equals("0") ? "" : f[1] + ":";
      candidates.putIfAbsent(f[0], epoch + f[2] + "-" + f[3]);
    }
    return candidates;
  }

  private Outcome outcome(Command c) throws InterruptedException {
    CommandResult r = runner.run(c);
    return r.ok() ? Outcome.success() : Outcome.failure(ToolFailure.describe(c, r));
  }
}
