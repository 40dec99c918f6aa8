package io.brine.minion.functions.builtin.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.builtin.Command;
import io.brine.minion.functions.builtin.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real Debian packages for the pkg tests: .debs built with dpkg-deb, and a flat apt repository of
 * them that apt-get reads through APT_CONFIG (its own sources list, lists and cache in a temporary
 * folder; the host's dpkg database is the real one, so installs are real).
 */
final class LocalDebs {
  static final String NAME = "brine-selftest";
  static final String DEP = "brine-selftest-dep";

  private final Path root;
  private final StringBuilder packages = new StringBuilder();

  LocalDebs(Path root) throws Exception {
    this.root = root;
    Files.createDirectories(root.resolve("repo"));
  }

  /** Builds name_version_all.deb into the repository folder and lists it in Packages. */
  Path build(String name, String version, String depends) throws Exception {
    Path tree = root.resolve("tree-" + name + "-" + version);
    Files.createDirectories(tree.resolve("DEBIAN"));
    Files.createDirectories(tree.resolve("usr/share/" + name));
    Files.writeString(tree.resolve("usr/share/" + name + "/version"), version + "\n");
    String control =
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: all\nMaintainer: brine tests <tests@brine.invalid>\n"
            + (depends == null ? "" : "Depends: " + depends + "\n")
            + "Description: a package the brine tests install and remove\n";
    Files.writeString(tree.resolve("DEBIAN/control"), control);
    Path deb = root.resolve("repo/" + name + "_" + version + "_all.deb");
    run("dpkg-deb", "--root-owner-group", "-b", tree.toString(), deb.toString());
    byte[] bytes = Files.readAllBytes(deb);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    packages
        .append(control)
        .append("Filename: ./")
        .append(deb.getFileName())
        .append("\nSize: ")
        .append(bytes.length)
        .append("\nSHA256: ")
        .append(sha)
        .append("\n\n");
    return deb;
  }

  /** Writes Packages and an apt configuration reading only this repository; its path. */
  Path aptConfig() throws Exception {
    Files.writeString(root.resolve("repo/Packages"), packages);
    for (String d : List.of("lists/partial", "cache/archives/partial", "parts")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.writeString(
        root.resolve("sources.list"), "deb [trusted=yes] file:" + root.resolve("repo") + " ./\n");
    Path conf = root.resolve("apt.conf");
    Files.writeString(
        conf,
        "Dir::Etc::SourceList \""
            + root.resolve("sources.list")
            + "\";\nDir::Etc::SourceParts \""
            + root.resolve("parts")
            + "\";\nDir::State::Lists \""
            + root.resolve("lists")
            + "\";\nDir::Cache \""
            + root.resolve("cache")
            + "\";\n");
    return conf;
  }

  /** The real runner, with APT_CONFIG pointing at the local repository's configuration. */
  static CommandRunner withAptConfig(Path conf) {
    CommandRunner system = CommandRunner.system();
    return c -> {
      Map<String, String> env = new LinkedHashMap<>(c.env());
      env.put("APT_CONFIG", conf.toString());
      return system.run(new Command(c.argv(), c.cwd(), env, c.timeout()));
    };
  }

  /** Removes the test packages whatever state a failed test left them in. */
  static void purge() throws Exception {
    new ProcessBuilder("dpkg", "--purge", NAME, DEP)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  private static void run(String... argv) throws Exception {
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv)).isZero();
  }
}
