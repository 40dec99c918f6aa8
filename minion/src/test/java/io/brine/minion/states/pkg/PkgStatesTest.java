package io.brine.minion.states.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brine.minion.states.StateRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pkg states on this Debian host for real: a package built here with dpkg-deb (a name of its
 * own per test, version 1.0) installed from the master's file root through {@code sources},
 * removed again, and purged after each test whatever the test left. No mirror is needed.
 */
class PkgStatesTest {
  @TempDir Path root;
  @TempDir Path work;

  private String pkg;
  private String second;
  private StateRuns runs;

  @BeforeEach
  void buildPackage() throws Exception {
    assertTrue("root".equals(System.getProperty("user.name")), "installing packages needs root");
    pkg = "brtpkg-" + HexFormat.of().formatHex(randomBytes());
    build(pkg);
    runs = new StateRuns(root);
  }

  /** salt://debs/NAME.deb: a package of that name, version 1.0, holding one file. */
  private void build(String name) throws Exception {
    Path tree = work.resolve("tree-" + name);
    Files.createDirectories(tree.resolve("DEBIAN"));
    Files.createDirectories(tree.resolve("usr/share/" + name));
    Files.writeString(tree.resolve("usr/share/" + name + "/hello"), "hello\n");
    Files.writeString(tree.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: 1.0\n"
        + "Architecture: all\nMaintainer: brine tests <tests@brine.invalid>\n"
        + "Description: a package the brine state tests install and remove\n");
    Files.createDirectories(root.resolve("debs"));
    assertThat(run("dpkg-deb", "--root-owner-group", "--build", tree.toString(),
        root.resolve("debs/" + name + ".deb").toString())).isZero();
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[3];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  @AfterEach
  void purge() throws Exception {
    if (pkg != null) {
      run("dpkg", "--purge", pkg);
    }
    if (second != null) {
      run("dpkg", "--purge", second);
    }
  }

  private static int run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private boolean installed() throws Exception {
    return installed(pkg);
  }

  private static boolean installed(String name) throws Exception {
    Process p = new ProcessBuilder("dpkg-query", "-W", "--showformat=${Status}", name)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String status = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 && status.equals("install ok installed");
  }

  private Map<String, Object> apply(String sls, Object... kwargs) throws Exception {
    runs.file("p.sls", sls);
    Map<String, Map<String, Object>> byId = StateRuns.byId(runs.apply("p", kwargs));
    assertThat(byId).hasSize(1);
    return byId.values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> changes(Map<String, Object> ret) {
    return (Map<String, Object>) ret.get("changes");
  }

  private String fromSources() {
    return """
        the-pkg:
          pkg.installed:
            - sources:
              - %s: salt://debs/%s.deb
        """.formatted(pkg, pkg);
  }

  @Test
  void installed_fromSaltSources_installsOnce_andTestModeInstallsNothing() throws Exception {
    Map<String, Object> would = apply(fromSources(), "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment"))
        .isEqualTo("The following packages would be installed/updated: " + pkg);
    assertThat(changes(would)).isEqualTo(Map.of(pkg, Map.of("new", "installed", "old", "")));
    assertThat(installed()).isFalse();

    Map<String, Object> r = apply(fromSources());
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("The following packages were installed/updated: " + pkg);
    assertThat(changes(r)).isEqualTo(Map.of(pkg, Map.of("old", "", "new", "1.0")));
    assertThat(installed()).isTrue();

    Map<String, Object> again = apply(fromSources());
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("All specified packages are already installed");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void installed_fromALocalDeb_andByNameWithVersion_afterwards() throws Exception {
    Path deb = work.resolve(pkg + ".deb");
    Files.copy(root.resolve("debs/" + pkg + ".deb"), deb);
    Map<String, Object> r = apply("""
        local:
          pkg.installed:
            - sources:
              - %s: %s
        """.formatted(pkg, deb));
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(installed()).isTrue();

    Map<String, Object> same = apply("""
        %s:
          pkg.installed:
            - version: "1.0"
        """.formatted(pkg));
    assertThat(same.get("comment"))
        .isEqualTo("All specified packages are already installed and are at the desired version");

    // Another version: no repository has it; apt-get's refusal is the one-line comment.
    Map<String, Object> other = apply("""
        %s:
          pkg.installed:
            - version: "2.0"
        """.formatted(pkg));
    assertThat(other.get("result")).isEqualTo(false);
    assertThat((String) other.get("comment"))
        .startsWith("An error was encountered while installing package(s): ")
        .doesNotContain("\n");
    assertThat(installed()).isTrue();
  }

  @Test
  void installed_ofSeveral_installsOnlyTheMissing_inSaltsWords() throws Exception {
    second = "brtpkg-" + HexFormat.of().formatHex(randomBytes());
    build(second);
    apply(fromSources());
    String both = """
        both:
          pkg.installed:
            - sources:
              - %s: salt://debs/%s.deb
              - %s: salt://debs/%s.deb
        """.formatted(pkg, pkg, second, second);

    Map<String, Object> r = apply(both);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("The following packages were installed/updated: "
        + second + " The following packages were already installed: " + pkg);
    assertThat(changes(r)).isEqualTo(Map.of(second, Map.of("old", "", "new", "1.0")));
    assertThat(installed(second)).isTrue();

    run("dpkg", "--purge", pkg, second);
    Map<String, Object> two = apply(both);
    assertThat(two.get("comment")).isEqualTo("2 targeted packages were installed/updated.");
    assertThat(changes(two)).containsOnlyKeys(pkg, second);

    Map<String, Object> gone = apply("""
        gone:
          pkg.removed:
            - pkgs: [%s, %s]
        """.formatted(pkg, second));
    assertThat(gone.get("comment")).isEqualTo("All targeted packages were removed.");
    assertThat(installed(pkg) || installed(second)).isFalse();
  }

  @Test
  void removed_removesAnInstalledPackage_onlyOutsideTestMode() throws Exception {
    apply(fromSources());
    String removed = """
        gone:
          pkg.removed:
            - name: %s
        """.formatted(pkg);

    Map<String, Object> would = apply(removed, "test", true);
    assertThat(would.get("result")).isNull();
    assertThat(would.get("comment"))
        .isEqualTo("The following packages will be removed: " + pkg + ".");
    assertThat(changes(would)).isEqualTo(Map.of(pkg, Map.of("new", "removed", "old", "")));
    assertThat(installed()).isTrue();

    Map<String, Object> r = apply(removed);
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("All targeted packages were removed.");
    assertThat(changes(r)).isEqualTo(Map.of(pkg, Map.of("old", "1.0", "new", "")));
    assertThat(installed()).isFalse();

    Map<String, Object> again = apply(removed);
    assertThat(again.get("result")).isEqualTo(true);
    assertThat(again.get("comment")).isEqualTo("None of the targeted packages are installed");
    assertThat(changes(again)).isEmpty();
  }

  @Test
  void latest_ofAnUpToDatePackage_changesNothing_andOfAnUnknownOne_fails() throws Exception {
    apply(fromSources());
    Map<String, Object> r = apply("""
        %s:
          pkg.latest
        """.formatted(pkg));
    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Package " + pkg + " is already up-to-date");
    assertThat(changes(r)).isEmpty();

    Map<String, Object> unknown = apply("""
        newest:
          pkg.latest:
            - pkgs:
              - %s-absent
        """.formatted(pkg));
    assertThat(unknown.get("result")).isEqualTo(false);
    assertThat(unknown.get("comment")).isEqualTo("No information found for '" + pkg + "-absent'.");
  }

  @Test
  void badArguments_areResultFalse_inOneLine() throws Exception {
    Map<String, Object> both = apply("""
        both:
          pkg.installed:
            - pkgs: [a]
            - sources:
              - a: salt://a.deb
        """);
    assertThat(both.get("result")).isEqualTo(false);
    assertThat(both.get("comment")).isEqualTo("Only one of \"pkgs\" and \"sources\" is permitted.");

    Map<String, Object> typo = apply("""
        typo:
          pkg.installed:
            - verison: "1.0"
        """);
    assertThat(typo.get("result")).isEqualTo(false);
    assertThat((String) typo.get("comment")).contains("unexpected keyword argument 'verison'");

    Map<String, Object> missing = apply("""
        missing:
          pkg.installed:
            - sources:
              - %s: salt://debs/none.deb
        """.formatted(pkg));
    assertThat(missing.get("result")).isEqualTo(false);
    assertThat((String) missing.get("comment")).doesNotContain("\n");
  }
}
