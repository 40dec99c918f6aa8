package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's execution modules through {@code brine run} against a real master and minion: pkg and
 * user answer from this host's dpkg and account database, cmd.script fetches its script over the
 * minion's encrypted session, and a package name that is an option never reaches apt.
 */
class ModulesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static MinionProcess minion;
  private static String token;

  @BeforeAll
  static void masterAndMinion() throws Exception {
    Path roots = dir.resolve("srv");
    Files.createDirectories(roots.resolve("scripts"));
    Files.writeString(
        roots.resolve("scripts/hello.sh"), "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n");
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: "
            + dir.resolve("master/pki")
            + "\n"
            + "cachedir: "
            + dir.resolve("master/cache")
            + "\n"
            + "file_roots:\n  base:\n    - "
            + roots
            + "\n"
            + "auto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: "
            + dir.resolve("master/vault")
            + "\n"
            + "  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    minion = MinionProcess.start(dir.resolve("minion"), "web1", master.minionPort());
    Await.until(
        () -> minion.count("authenticated to master") >= 1,
        master,
        minion,
        "the minion authenticated");
  }

  @AfterAll
  static void stop() {
    if (minion != null) {
      minion.close();
    }
    if (master != null) {
      master.close();
    }
  }

  private Result run(String... args) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token).run(args);
  }

  private static JsonNode web1(Result r) throws Exception {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return JSON.readTree(r.out()).path("web1");
  }

  /** What dpkg itself says of its own version. */
  private static String dpkgVersion() throws Exception {
    Process p = new ProcessBuilder("dpkg-query", "-W", "--showformat=${Version}", "dpkg").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.strip();
  }

  @Test
  void pkgVersionAndListPkgs_answerFromThisHostsDpkg() throws Exception {
    String dpkg = dpkgVersion();

    JsonNode version = web1(run("run", "web1", "pkg.version", "dpkg", "--out", "json"));
    JsonNode several =
        web1(run("run", "web1", "pkg.version", "dpkg", "no-such-package-x", "--out", "json"));
    JsonNode all = web1(run("run", "web1", "pkg.list_pkgs", "--out", "json"));

    assertThat(version.asText()).isEqualTo(dpkg).isNotEmpty();
    assertThat(several.toString())
        .isEqualTo("{\"dpkg\":\"" + dpkg + "\",\"no-such-package-x\":\"\"}");
    assertThat(all.path("dpkg").asText()).isEqualTo(dpkg);
    assertThat(all.size()).isGreaterThan(10);
  }

  @Test
  void userInfo_isSaltsShape() throws Exception {
    JsonNode root = web1(run("run", "web1", "user.info", "root", "--out", "json"));
    JsonNode none = web1(run("run", "web1", "user.info", "no-such-user-x", "--out", "json"));

    assertThat(root.path("uid").asLong()).isZero();
    assertThat(root.path("home").asText()).isEqualTo("/root");
    assertThat(root.path("groups").toString()).isEqualTo("[\"root\"]");
    assertThat(root.has("fullname") && root.has("passwd") && root.has("shell")).isTrue();
    assertThat(none.toString()).isEqualTo("{}");
  }

  @Test
  void anOptionSmuggledAsAPackageName_isRefused() {
    Result r = run("run", "web1", "pkg.install", "name=-oAPT::Get::Assume-Yes=1");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.out())
        .contains(
            "Passed invalid arguments: pkg.install: 'name' is not a valid package name:"
                + " '-oAPT::Get::Assume-Yes=1'");
  }

  @Test
  void cmdScript_fetchesFromTheMaster_andRunsWithArgs() throws Exception {
    JsonNode ret =
        web1(
            run(
                "run",
                "web1",
                "cmd.script",
                "salt://scripts/hello.sh",
                "a 'b c'",
                "--out",
                "json"));

    assertThat(ret.path("retcode").asInt()).isZero();
    assertThat(ret.path("stdout").asText()).isEqualTo("[a]\n[b c]");
  }
}
