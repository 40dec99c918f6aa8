package io.brine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built target/brine-VERSION.tar.gz, unpacked by tar into a temporary folder and run as a user
 * runs it: real processes, exit codes and output checked. Runs in integration-test, after package
 * made the archive (the pom passes its path).
 */
class DistributionIT {
  private static final String VERSION = System.getProperty("brine.version");

  @TempDir static Path tmp;

  /** The unpacked distribution: tmp/brine-VERSION. */
  static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    // Set by the pom's integration-test execution only; -Dtest=DistributionIT also selects this
    // class in the test phase, before package made the archive: nothing to test there.
    String built = System.getProperty("brine.dist.archive");
    assumeTrue(built != null, "runs in the integration-test phase, on the packaged archive");
    Path archive = Path.of(built);
    assertThat(archive).isRegularFile();
    Path root = Files.createDirectory(tmp.resolve("opt"));
    Result tar = run(root, env(Map.of()), "tar", "-xzf", archive.toString());
    assertThat(tar.exit).as(tar.toString()).isZero();
    home = root.resolve(System.getProperty("brine.dist.name"));
    assertThat(home).isDirectory();
  }

  @Test
  void archiveHasTheLayoutInstallDescribes() throws Exception {
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/brine")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/brine-cds")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(home.resolve("lib/brine-cli.jar")).isRegularFile();
    assertThat(home.resolve("lib/picocli-4.7.7.jar")).isRegularFile();
    // Made for one path only, so never shipped (bin/brine-cds makes it where brine is installed).
    assertThat(home.resolve("lib/brine.jsa")).doesNotExist();
    for (String file :
        List.of(
            "examples/master.yaml",
            "examples/minion.yaml",
            "systemd/brine-master.service",
            "systemd/brine-minion.service",
            "completion/brine.bash")) {
      assertThat(home.resolve(file)).isRegularFile();
    }
    assertThat(Files.readString(home.resolve("INSTALL")))
        .contains("brine-" + VERSION + ".tar.gz")
        .doesNotContain("${");
  }

  @Test
  void versionPrintsTheVersion() throws Exception {
    Result r = brine("--version");

    assertThat(r.exit).as(r.toString()).isZero();
    assertThat(r.out).startsWith("brine " + VERSION + "\n").contains("Java ");
    assertThat(r.err).isEmpty();
  }

  @Test
  void genKeysThenListOffline() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Result gen = brine("key", "--gen-keys=web1", "--gen-keys-dir=" + keys);

    assertThat(gen.exit).as(gen.toString()).isZero();
    assertThat(keys.resolve("web1.pem")).isRegularFile();
    String mode =
        PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("web1.pem")));
    assertThat(mode).isEqualTo("rw-------");
    assertThat(gen.out).containsPattern("([0-9a-f]{2}:){31}[0-9a-f]{2}");

    // An empty PKI folder, as a master leaves it before any minion came, then one pending key.
    Path pki = tmp.resolve("pki");
    Files.createDirectories(pki.resolve("master"));
    Path config = masterConfig(pki);
    Result empty = brine("key", "-L", "-c", config.toString());
    assertThat(empty.exit).as(empty.toString()).isZero();
    assertThat(empty.out)
        .isEqualTo("Accepted Keys:\nDenied Keys:\nUnaccepted Keys:\nRejected Keys:\n");

    Path pre = Files.createDirectories(pki.resolve("master/minions_pre"));
    Files.copy(keys.resolve("web1.pub"), pre.resolve("web1"));
    Result one = brine("key", "-L", "-c", config.toString());
    assertThat(one.exit).as(one.toString()).isZero();
    assertThat(one.out).contains("Unaccepted Keys:\nweb1\n");

    Result usage = brine("key", "-L", "-a", "web1", "-c", config.toString());
    assertThat(usage.exit).as(usage.toString()).isEqualTo(2);
  }

  @Test
  void keyListWithoutPkiFolderFails() throws Exception {
    Path config = masterConfig(tmp.resolve("no-such-pki"));
    Result r = brine("key", "-L", "-c", config.toString());

    assertThat(r.exit).as(r.toString()).isEqualTo(1);
    assertThat(r.err).contains("no PKI folder");
  }

  @Test
  void runsThroughSymlinksInOtherFolders() throws Exception {
    // /usr/local/bin/brine -> /opt/brine/bin/brine, with /opt/brine itself a relative link.
    Path opt = home.getParent();
    Files.createSymbolicLink(opt.resolve("brine"), home.getFileName());
    Path usrLocalBin = Files.createDirectories(tmp.resolve("usr/local/bin"));
    Path link =
        Files.createSymbolicLink(
            usrLocalBin.resolve("brine"), opt.resolve("brine").resolve("bin/brine"));
    Path relative =
        Files.createSymbolicLink(
            usrLocalBin.resolve("brine-rel"), usrLocalBin.relativize(home.resolve("bin/brine")));

    for (Path launcher : List.of(link, relative)) {
      Result r = run(tmp, env(Map.of()), launcher.toString(), "--version");
      assertThat(r.exit).as(launcher + ": " + r).isZero();
      assertThat(r.out).startsWith("brine " + VERSION + "\n");
    }
  }

  @Test
  void refusesJavaOlderThan17InOneLine() throws Exception {
    Path fakeHome = Files.createDirectories(tmp.resolve("jdk-11/bin"));
    Path java = fakeHome.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n"
            + "echo 'OpenJDK Runtime Environment (build 11.0.22+7)' >&2\n"
            + "exit 0\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    Result r =
        run(
            tmp,
            env(Map.of("JAVA_HOME", fakeHome.getParent().toString())),
            home.resolve("bin/brine").toString(),
            "--version");

    assertThat(r.exit).as(r.toString()).isNotZero();
    assertThat(r.out).isEmpty();
    assertThat(r.err.lines()).hasSize(1);
    assertThat(r.err).contains("Java 11").contains("17");
  }

  @Test
  void completionScriptRegistersBrine() throws Exception {
    Path script = home.resolve("completion/brine.bash");
    Result r =
        run(
            tmp,
            env(Map.of()),
            "bash",
            "-c",
            "source \"$0\" && complete -p brine",
            script.toString());

    assertThat(r.exit).as(r.toString()).isZero();
    assertThat(r.out).contains("_complete_brine").contains(" brine");
    // Generated from the real command tree: subcommands and their options are in it.
    assertThat(Files.readString(script)).contains("operator").contains("--gen-keys");
  }

  @Test
  void shortCommandsGetC1OnlyDaemonsDoNot() throws Exception {
    // -XX:+PrintCommandLineFlags prints the JVM's flags on stdout before main runs.
    Map<String, String> flags = Map.of("BRINE_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
    Result key = run(tmp, env(flags), home.resolve("bin/brine").toString(), "key", "--help");
    Result master =
        run(tmp, env(flags), home.resolve("bin/brine").toString(), "--debug", "master", "--help");

    assertThat(key.exit).as(key.toString()).isZero();
    assertThat(key.out).contains("-XX:TieredStopAtLevel=1");
    assertThat(master.exit).as(master.toString()).isZero();
    assertThat(master.out).doesNotContain("TieredStopAtLevel");
  }

  @Test
  void cdsArchiveIsMadeUsedAndSkippedWhenStale() throws Exception {
    Path jsa = home.resolve("lib/brine.jsa");
    Result cds = run(tmp, env(Map.of()), home.resolve("bin/brine-cds").toString());
    assertThat(cds.exit).as(cds.toString()).isZero();
    assertThat(jsa).isRegularFile();
    try {
      Map<String, String> log = Map.of("BRINE_JAVA_OPTS", "-Xlog:class+load=info");
      Result used = run(tmp, env(log), home.resolve("bin/brine").toString(), "--version");
      assertThat(used.exit).as(used.toString()).isZero();
      assertThat(used.out).contains("io.brine.cli.Brine source: shared objects file (top)");

      // A jar changed since the dump: the archive no longer matches and is skipped silently.
      Path jar = home.resolve("lib/brine-cli.jar");
      Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
      Result stale = brine("--version");
      assertThat(stale.exit).as(stale.toString()).isZero();
      assertThat(stale.out).startsWith("brine " + VERSION + "\n").doesNotContain("[");
      assertThat(stale.err).isEmpty();

      // Not an archive at all: skipped too.
      Files.delete(jsa);
      Files.writeString(jsa, "not an archive\n".repeat(1000));
      Result junk = brine("--version");
      assertThat(junk.exit).as(junk.toString()).isZero();
      assertThat(junk.out).startsWith("brine " + VERSION + "\n").doesNotContain("[");
      assertThat(junk.err).isEmpty();
    } finally {
      Files.deleteIfExists(jsa);
    }
  }

  @Test
  void systemdUnitsVerify() throws Exception {
    Result which = run(tmp, env(Map.of()), "sh", "-c", "command -v systemd-analyze");
    assumeTrue(which.exit == 0, "no systemd-analyze here");
    // verify checks that ExecStart exists: point it at the unpacked launcher.
    Path units = Files.createDirectories(tmp.resolve("units"));
    List<String> args = new ArrayList<>(List.of("systemd-analyze", "verify"));
    for (String unit : List.of("brine-master.service", "brine-minion.service")) {
      String text = Files.readString(home.resolve("systemd").resolve(unit));
      assertThat(text).contains("ExecStart=/opt/brine/bin/brine ");
      Path copy = units.resolve(unit);
      Files.writeString(
          copy, text.replace("/opt/brine/bin/brine", home.resolve("bin/brine").toString()));
      args.add(copy.toString());
    }
    Result r = run(tmp, env(Map.of()), args.toArray(String[]::new));

    assertThat(r.exit).as(r.toString()).isZero();
    assertThat(r.out + r.err).isEmpty();
  }

  private static Path masterConfig(Path pki) throws IOException {
    Path config = Files.createTempFile(tmp, "master", ".yaml");
    Files.writeString(
        config, "pki_dir: " + pki + "\nvault:\n  storage_dir: " + tmp.resolve("vault") + "\n");
    return config;
  }

  private static Result brine(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/brine").toString());
    command.addAll(List.of(args));
    return run(tmp, env(Map.of()), command.toArray(String[]::new));
  }

  /**
   * The environment a user's shell would give: this JDK as JAVA_HOME, none of brine's own
   * variables (BRINE_ADDR would send brine key online).
   */
  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(name -> name.startsWith("BRINE_"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.putAll(extra);
    return env;
  }

  record Result(int exit, String out, String err) {}

  private static Result run(Path dir, Map<String, String> env, String... command)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
