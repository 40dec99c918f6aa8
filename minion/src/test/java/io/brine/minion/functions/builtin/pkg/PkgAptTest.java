package io.brine.minion.functions.builtin.pkg;

import static io.brine.minion.functions.builtin.pkg.LocalDebs.DEP;
import static io.brine.minion.functions.builtin.pkg.LocalDebs.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.functions.TestContext;
import io.brine.minion.functions.builtin.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pkg functions for real against this host's dpkg and apt-get (root on Debian), with packages
 * the test builds: from a salt:// package file, and by name from a local apt repository.
 */
class PkgAptTest {
  @TempDir Path master;
  @TempDir Path work;

  private TestContext ctx;

  @BeforeEach
  void onDebianAsRoot() throws Exception {
    assumeTrue(PackageManagers.onPath("dpkg-deb") && PackageManagers.onPath("apt-get"));
    assumeTrue("root".equals(System.getProperty("user.name")), "installing needs root");
    ctx = new TestContext(master);
    LocalDebs.purge();
  }

  @AfterEach
  void purge() throws Exception {
    LocalDebs.purge();
  }

  private static Optional<PackageManager> apt(CommandRunner runner) {
    return Optional.of(new Apt(runner));
  }

  @Test
  void sources_saltFile_installsVersionListsAndRemoves() throws Exception {
    LocalDebs debs = new LocalDebs(work);
    Path deb = debs.build(NAME, "1.0", null);
    Files.createDirectories(master.resolve("pkgs"));
    Files.copy(deb, master.resolve("pkgs/selftest.deb"));
    Optional<PackageManager> apt = apt(CommandRunner.system());

    FunctionOutput installed =
        new PkgInstall(() -> apt)
            .call(
                ctx.call(
                    List.of(),
                    Map.of("sources", List.of(Map.of(NAME, "salt://pkgs/selftest.deb")))));

    assertThat(installed)
        .isEqualTo(FunctionOutput.ok(Map.of(NAME, Map.of("old", "", "new", "1.0"))));
    assertThat(new PkgVersion(() -> apt).call(ctx.call(NAME)).value()).isEqualTo("1.0");
    assertThat(new PkgVersion(() -> apt).call(ctx.call(NAME, "dpkg")).value())
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry(NAME, "1.0")
        .containsKey("dpkg");
    @SuppressWarnings("unchecked")
    Map<String, Object> all =
        (Map<String, Object>) new PkgListPkgs(() -> apt).call(ctx.call()).value();
    assertThat(all).containsEntry(NAME, "1.0").containsKey("dpkg");
    @SuppressWarnings("unchecked")
    Map<String, Object> asLists =
        (Map<String, Object>)
            new PkgListPkgs(() -> apt)
                .call(ctx.call(List.of(), Map.of("versions_as_list", "true")))
                .value();
    assertThat(asLists).containsEntry(NAME, List.of("1.0"));

    FunctionOutput removed = new PkgRemove(() -> apt).call(ctx.call(NAME));

    assertThat(removed).isEqualTo(FunctionOutput.ok(Map.of(NAME, Map.of("old", "1.0", "new", ""))));
    assertThat(new PkgVersion(() -> apt).call(ctx.call(NAME)).value()).isEqualTo("");
    assertThat(new PkgRemove(() -> apt).call(ctx.call(NAME)))
        .as("nothing installed: nothing to do")
        .isEqualTo(FunctionOutput.ok(Map.of()));
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(
              left.filter(p -> p.getFileName().toString().startsWith("brine-pkg-"))
                  .filter(p -> Files.exists(p.resolve("0-" + NAME + ".deb"))))
          .as("the fetched package file is removed")
          .isEmpty();
    }
  }

  @Test
  void byName_fromARepository_refreshVersionPkgsUpgradeWithDependency() throws Exception {
    LocalDebs debs = new LocalDebs(work);
    debs.build(NAME, "1.0", null);
    debs.build(NAME, "1.1", DEP + " (>= 2.0)");
    debs.build(DEP, "2.0", null);
    Optional<PackageManager> apt = apt(LocalDebs.withAptConfig(debs.aptConfig()));

    assertThat(new PkgLatestVersion(() -> apt).call(ctx.call(NAME)).value())
        .as("refresh=True by default reads the new repository")
        .isEqualTo("1.1");

    FunctionOutput first =
        new PkgInstall(() -> apt).call(ctx.call(List.of(NAME), Map.of("version", "1.0")));

    assertThat(first).isEqualTo(FunctionOutput.ok(Map.of(NAME, Map.of("old", "", "new", "1.0"))));
    assertThat(
            new PkgLatestVersion(() -> apt)
                .call(ctx.call(List.of(NAME), Map.of("refresh", "false")))
                .value())
        .isEqualTo("1.1");

    FunctionOutput upgrade =
        new PkgInstall(() -> apt).call(ctx.call(List.of(), Map.of("pkgs", List.of(NAME))));

    assertThat(upgrade)
        .as("the dependency apt pulled in is a change too")
        .isEqualTo(
            FunctionOutput.ok(
                Map.of(
                    NAME, Map.of("old", "1.0", "new", "1.1"),
                    DEP, Map.of("old", "", "new", "2.0"))));
    assertThat(
            new PkgLatestVersion(() -> apt)
                .call(ctx.call(List.of(NAME, DEP), Map.of("refresh", "false")))
                .value())
        .as("the latest is installed: \"\"")
        .isEqualTo(Map.of(NAME, "", DEP, ""));
    assertThat(
            new PkgLatestVersion(() -> apt)
                .call(ctx.call(List.of(NAME), Map.of("refresh", "false", "show_installed", "true")))
                .value())
        .isEqualTo("1.1");

    FunctionOutput removed =
        new PkgRemove(() -> apt)
            .call(ctx.call(List.of(), Map.of("pkgs", "[\"" + NAME + "\", \"" + DEP + "\"]")));

    assertThat(removed)
        .isEqualTo(
            FunctionOutput.ok(
                Map.of(
                    NAME, Map.of("old", "1.1", "new", ""),
                    DEP, Map.of("old", "2.0", "new", ""))));
  }

  @Test
  void aPackageNoRepositoryHas_isSaltsProblemMessage_retcode1() throws Exception {
    LocalDebs debs = new LocalDebs(work);
    debs.build(DEP, "2.0", null);
    Optional<PackageManager> apt = apt(LocalDebs.withAptConfig(debs.aptConfig()));

    FunctionOutput out =
        new PkgInstall(() -> apt)
            .call(ctx.call(List.of(NAME + "-nosuch"), Map.of("refresh", "true")));

    assertThat(out.retcode()).isEqualTo(1);
    assertThat((String) out.value())
        .startsWith(
            "ERROR: Problem encountered installing package(s). Additional info follows:\n\n"
                + "errors:\n    - apt-get exited 100: ")
        .contains("Unable to locate package " + NAME + "-nosuch");
    assertThat(
            new PkgLatestVersion(() -> apt)
                .call(ctx.call(List.of(NAME + "-nosuch"), Map.of("refresh", "false")))
                .value())
        .isEqualTo("");
  }
}
