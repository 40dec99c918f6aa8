package io.brine.minion.functions.builtin.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.Command;
import io.brine.minion.functions.builtin.CommandResult;
import io.brine.minion.functions.builtin.RecordingRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The exact command lines of the pkg functions, for dnf (not on this Debian host) and for the apt
 * options the real test does not reach; and the refusals, which run nothing.
 */
class PkgCommandLineTest {
  private final TestContext ctx = new TestContext(Path.of("/nonexistent"));

  /** rpm -qa answers "before" on its first call and "after" on the next ones. */
  private static RecordingRunner rpm(String before, String after, int dnfExit) {
    List<String> answers = new ArrayList<>(List.of(before));
    return new RecordingRunner(
        c -> {
          String program = c.argv().get(0);
          if (program.equals("rpm")) {
            String out = answers.isEmpty() ? after : answers.remove(0);
            return CommandResult.of(0, out, "");
          }
          if (c.argv().contains("repoquery")) {
            return CommandResult.of(0, "nginx\t0\t1.24.0\t1.el9\nbash\t(none)\t5.1.8\t6.el9\n", "");
          }
          return CommandResult.of(
              dnfExit, "", dnfExit == 0 ? "" : "Error: Unable to find a match: nosuch");
        });
  }

  @Test
  void dnf_installPkgsWithVersions_andRefresh_runsMakecacheThenOneInstall() throws Exception {
    RecordingRunner runner =
        rpm(
            "bash\t0\t5.1.8\t6.el9\tx86_64\n",
            "bash\t0\t5.1.8\t6.el9\tx86_64\n"
                + "nginx\t1\t1.24.0\t1.el9\tx86_64\ngpg-pubkey\t(none)\tabc\tdef\t(none)\n"
                + "glibc\t0\t2.34\t1\ti686\n",
            0);
    Dnf dnf = new Dnf(runner, "x86_64");

    FunctionOutput out =
        new PkgInstall(() -> Optional.of(dnf))
            .call(
                ctx.call(
                    List.of(),
                    Map.of(
                        "pkgs",
                        List.of("nginx", Map.of("glibc", "2.34-1")),
                        "refresh",
                        true,
                        "skip_verify",
                        "true")));

    assertThat(runner.argvs())
        .containsExactly(
            List.of("dnf", "-y", "-q", "makecache"),
            List.of(
                "rpm",
                "-qa",
                "--queryformat",
                "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n"),
            List.of("dnf", "-y", "--nogpgcheck", "install", "nginx", "glibc-2.34-1"),
            List.of(
                "rpm",
                "-qa",
                "--queryformat",
                "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n"));
    assertThat(out)
        .as("epoch shown when not 0, a foreign arch as name.arch, gpg-pubkey left out")
        .isEqualTo(
            FunctionOutput.ok(
                Map.of(
                    "nginx", Map.of("old", "", "new", "1:1.24.0-1.el9"),
                    "glibc.i686", Map.of("old", "", "new", "2.34-1"))));
  }

  @Test
  void dnf_fromrepo_enablesThatRepositoryOnly_andAFailureIsSaltsProblem() throws Exception {
    RecordingRunner runner = rpm("", "", 1);
    Dnf dnf = new Dnf(runner, "x86_64");

    FunctionOutput out =
        new PkgInstall(() -> Optional.of(dnf))
            .call(ctx.call(List.of("nosuch"), Map.of("fromrepo", "epel")));

    assertThat(runner.argvs().get(1))
        .containsExactly("dnf", "-y", "--disablerepo=*", "--enablerepo=epel", "install", "nosuch");
    assertThat(out)
        .isEqualTo(
            new FunctionOutput(
                "ERROR: Problem encountered installing package(s). Additional info follows:\n\n"
                    + "errors:\n    - dnf exited 1: Error: Unable to find a match: nosuch",
                1));
  }

  @Test
  void dnf_removeAndLatestVersion() throws Exception {
    String installed = "bash\t0\t5.1.8\t6.el9\tx86_64\nnginx\t0\t1.20.0\t1.el9\tx86_64\n";
    RecordingRunner runner = rpm(installed, "bash\t0\t5.1.8\t6.el9\tx86_64\n", 0);
    Dnf dnf = new Dnf(runner, "x86_64");

    FunctionOutput removed =
        new PkgRemove(() -> Optional.of(dnf)).call(ctx.call("nginx,notinstalled"));

    assertThat(runner.argvs().get(1)).containsExactly("dnf", "-y", "remove", "nginx");
    assertThat(removed)
        .isEqualTo(FunctionOutput.ok(Map.of("nginx", Map.of("old", "1.20.0-1.el9", "new", ""))));

    RecordingRunner latest = rpm(installed, installed, 0);
    Object value =
        new PkgLatestVersion(() -> Optional.of(new Dnf(latest, "x86_64")))
            .call(ctx.call(List.of("nginx", "bash", "absent"), Map.of()))
            .value();

    assertThat(latest.argvs().get(0)).containsExactly("dnf", "-y", "-q", "makecache");
    assertThat(latest.argvs().get(2))
        .containsExactly(
            "dnf",
            "-q",
            "repoquery",
            "--latest-limit=1",
            "--arch=x86_64,noarch",
            "--queryformat",
            "%{name}\\t%{epoch}\\t%{version}\\t%{release}\\n",
            "nginx",
            "bash",
            "absent");
    assertThat(value).isEqualTo(Map.of("nginx", "1.24.0-1.el9", "bash", "", "absent", ""));
  }

  @Test
  void apt_commandLine_isNoninteractive_withSaltsOptions() throws Exception {
    RecordingRunner runner =
        new RecordingRunner(
            c ->
                c.argv().get(0).equals("dpkg")
                    ? CommandResult.of(0, "amd64", "")
                    : CommandResult.of(0, "", ""));
    Apt apt = new Apt(runner);

    new PkgInstall(() -> Optional.of(apt))
        .call(
            ctx.call(
                List.of("nginx"),
                Map.of(
                    "version",
                    "1.22.1-9",
                    "refresh",
                    "True",
                    "fromrepo",
                    "bookworm-backports",
                    "reinstall",
                    true,
                    "downloadonly",
                    true,
                    "skip_verify",
                    true)));

    Command install =
        runner.commands().stream()
            .filter(c -> c.argv().contains("install"))
            .findFirst()
            .orElseThrow();
    assertThat(runner.argvs().get(0)).containsExactly("apt-get", "-q", "update");
    assertThat(install.argv())
        .containsExactly(
            "apt-get",
            "-q",
            "-y",
            "-o",
            "DPkg::Options::=--force-confold",
            "-o",
            "DPkg::Options::=--force-confdef",
            "--allow-unauthenticated",
            "-t",
            "bookworm-backports",
            "--reinstall",
            "--download-only",
            "install",
            "nginx=1.22.1-9");
    assertThat(install.env())
        .containsEntry("DEBIAN_FRONTEND", "noninteractive")
        .containsEntry("APT_LISTCHANGES_FRONTEND", "none");
    assertThat(install.timeout()).isPresent();
  }

  @Test
  void apt_listPkgs_parsesStatusAndForeignArchitectures() throws Exception {
    RecordingRunner runner =
        new RecordingRunner(
            c ->
                c.argv().get(0).equals("dpkg")
                    ? CommandResult.of(0, "amd64", "")
                    : CommandResult.of(
                        0,
                        "install ok installed\tbash\t5.2.15-2+b2\tamd64\n"
                            + "hold ok installed\ttzdata\t2024a-0+deb12u1\tall\n"
                            + "deinstall ok config-files\told\t1.0\tamd64\n"
                            + "install ok installed\tlibc6\t2.36-9\ti386\n",
                        ""));

    Object value = new PkgListPkgs(() -> Optional.of(new Apt(runner))).call(ctx.call()).value();

    assertThat(value)
        .isEqualTo(
            Map.of("bash", "5.2.15-2+b2", "tzdata", "2024a-0+deb12u1", "libc6:i386", "2.36-9"));
  }

  @Test
  void namesThatCouldBeOptions_orCarryShellCharacters_areRefused_andNothingRuns() {
    RecordingRunner runner = RecordingRunner.succeeding();
    Optional<PackageManager> apt = Optional.of(new Apt(runner));
    PkgInstall install = new PkgInstall(() -> apt);

    assertThatThrownBy(() -> install.call(ctx.call("-oAPT::Update::Pre-Invoke::=touch/tmp/x")))
        .isInstanceOf(FunctionException.class)
        .hasMessage(
            "pkg.install: 'name' is not a valid package name:"
                + " '-oAPT::Update::Pre-Invoke::=touch/tmp/x'");
    assertThatThrownBy(
            () -> install.call(ctx.call(List.of(), Map.of("pkgs", List.of("ok", "--x")))))
        .hasMessage("pkg.install: 'pkgs' is not a valid package name: '--x'");
    assertThatThrownBy(() -> install.call(ctx.call(List.of("nginx"), Map.of("version", "-1; rm"))))
        .hasMessage("pkg.install: 'version' is not a valid package version: '-1; rm'");
    assertThatThrownBy(() -> install.call(ctx.call("a b")))
        .hasMessage("pkg.install: 'name' is not a valid package name: 'a b'");
    assertThatThrownBy(() -> install.call(ctx.call(List.of("x"), Map.of("fromrepo", "-x"))))
        .hasMessage("pkg.install: 'fromrepo' is not a valid package name: '-x'");
    assertThatThrownBy(() -> new PkgRemove(() -> apt).call(ctx.call("ok,-y")))
        .hasMessage("pkg.remove: 'name' is not a valid package name: '-y'");
    assertThatThrownBy(() -> new PkgVersion(() -> apt).call(ctx.call("bash", "--admindir=/tmp")))
        .hasMessage("pkg.version: 'name' is not a valid package name: '--admindir=/tmp'");
    assertThat(runner.commands()).isEmpty();
  }

  @Test
  void wrongMissingOrUnknownArguments_areOneLineErrors() {
    Optional<PackageManager> apt = Optional.of(new Apt(RecordingRunner.succeeding()));
    PkgInstall install = new PkgInstall(() -> apt);

    assertThatThrownBy(() -> install.call(ctx.call()))
        .hasMessage("pkg.install needs a package name, pkgs or sources");
    assertThatThrownBy(() -> install.call(ctx.call(List.of("x"), Map.of("colour", "red"))))
        .hasMessage("pkg.install got an unexpected keyword argument 'colour'");
    assertThatThrownBy(() -> install.call(ctx.call(List.of("x"), Map.of("refresh", "maybe"))))
        .hasMessage("pkg.install: 'refresh' must be true or false, got 'maybe'");
    assertThatThrownBy(() -> install.call(ctx.call(List.of(), Map.of("pkgs", "nginx"))))
        .hasMessage("pkg.install: 'pkgs' must be a list");
    assertThatThrownBy(() -> install.call(ctx.call(List.of(), Map.of("pkgs", "[\"a\""))))
        .hasMessage("pkg.install: 'pkgs' is not a valid JSON list");
    assertThatThrownBy(
            () ->
                install.call(
                    ctx.call(List.of(), Map.of("sources", List.of(Map.of("a", "http://x/a.deb"))))))
        .hasMessage(
            "pkg.install: a source must be salt://path or an absolute path on the minion, got"
                + " http://x/a.deb");
    assertThatThrownBy(
            () ->
                install.call(
                    ctx.call(
                        List.of(), Map.of("sources", List.of(Map.of("a", "salt://../a.deb"))))))
        .hasMessage("pkg.install: the source must not contain '..': salt://../a.deb");
    assertThatThrownBy(() -> install.call(ctx.call(List.of("x"), Map.of("debconf", "salt://d"))))
        .hasMessage("pkg.install: 'debconf' is not supported by brine");
    assertThatThrownBy(() -> new PkgVersion(() -> apt).call(ctx.call()))
        .hasMessage("pkg.version needs at least one package name");
    assertThatThrownBy(() -> new PkgListPkgs(() -> apt).call(ctx.call("a", "b")))
        .hasMessage(
            "pkg.list_pkgs takes at most 1 positional argument (versions_as_list), 2 given");
  }

  @Test
  void aHostWithoutAptOrDnf_saysSoInSaltsWords() throws Exception {
    assertThat(PackageManagers.detect(p -> false, RecordingRunner.succeeding())).isEmpty();
    assertThat(PackageManagers.detect(Set.of("dnf", "rpm")::contains, RecordingRunner.succeeding()))
        .get()
        .extracting(PackageManager::tool)
        .isEqualTo("dnf");
    assertThat(
            PackageManagers.detect(
                Set.of("dpkg-query", "apt-get", "dnf", "rpm")::contains,
                RecordingRunner.succeeding()))
        .get()
        .extracting(PackageManager::tool)
        .isEqualTo("apt");

    FunctionOutput out = new PkgListPkgs(Optional::empty).call(ctx.call());

    assertThat(out)
        .isEqualTo(
            new FunctionOutput(
                "'pkg.list_pkgs' is not available: no apt (dpkg-query, apt-get) or dnf (dnf, rpm)"
                    + " here",
                1));
  }
}
