package io.brine.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brine.cli.testing.Await;
import io.brine.cli.testing.Cli;
import io.brine.cli.testing.Cli.Result;
import io.brine.cli.testing.MasterProcess;
import io.brine.cli.testing.MinionProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * States end to end: a real master serving a file root with a top file, a real minion that renders
 * and runs the SLS, and {@code brine run ... state.apply} printing Salt's highstate output, with
 * the exit code saying whether a state failed.
 */
class StatesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static MasterProcess master;
  private static MinionProcess minion;
  private static String token;

  @BeforeAll
  static void masterAndMinion() throws Exception {
    Path roots = dir.resolve("srv");
    Files.createDirectories(roots.resolve("web"));
    Files.writeString(roots.resolve("top.sls"), """
        base:
          '*':
            - common
          'kernel:Linux':
            - match: grain
            - web
        """);
    Files.writeString(roots.resolve("common.sls"), """
        hello:
          test.show_notification:
            - text: hello {{ grains['id'] }}, {{ salt['test.echo']('from the minion') }}
        """);
    Files.writeString(roots.resolve("web/init.sls"), """
        include:
          - .conf
        web-ready:
          test.succeed_without_changes:
            - require:
              - test: web-conf
        """);
    Files.writeString(roots.resolve("web/conf.sls"), """
        web-conf:
          test.succeed_with_changes
        """);
    Files.writeString(roots.resolve("broken.sls"), """
        first:
          test.fail_without_changes
        after:
          test.succeed_without_changes:
            - require:
              - test: first
        """);
    Path config = dir.resolve("master/master.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        "pki_dir: " + dir.resolve("master/pki") + "\ncachedir: " + dir.resolve("master/cache")
            + "\nfile_roots:\n  base:\n    - " + roots
            + "\nauto_accept: true\nkeysize: 2048\ninterface: 127.0.0.1\nret_port: 0\n"
            + "vault:\n  storage_dir: " + dir.resolve("master/vault")
            + "\n  api_addr: 127.0.0.1:0\n");
    master = MasterProcess.startWithConfig(config);
    token = master.initAndUnseal();
    minion = MinionProcess.start(dir.resolve("web1"), "web1", master.minionPort());
    Await.until(
        () -> minion.count("authenticated to master") >= 1, master, minion,
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

  private static Result brine(String... args) {
    return new Cli().env("BRINE_ADDR", master.address()).env("BRINE_TOKEN", token).run(args);
  }

  @Test
  void stateApply_runsTheHighstate_printsSaltsSummary_exit0() {
    Result r = brine("run", "web1", "state.apply");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("          ID: hello\n    Function: test.show_notification\n      Result: True\n"
            + "     Comment: hello web1, from the minion\n")
        .contains("          ID: web-conf\n")
        .contains("Summary for web1\n------------\nSucceeded: 3 (changed=1)\nFailed:    0\n")
        .contains("Total states run:     3\n");
    // Run order: common, then web's own state after the included one it requires.
    assertThat(r.out().indexOf("ID: hello")).isLessThan(r.out().indexOf("ID: web-conf"));
    assertThat(r.out().indexOf("ID: web-conf")).isLessThan(r.out().indexOf("ID: web-ready"));
  }

  @Test
  void aFailingState_failsItsDependents_andTheRunExits4() throws Exception {
    Result r = brine("run", "web1", "state.sls", "broken");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
    assertThat(r.out())
        .contains("     Comment: One or more requisite failed: broken.first\n")
        .contains("Succeeded: 0\nFailed:    2\n");

    Result json = brine("run", "web1", "state.sls", "broken", "--out", "json");
    JsonNode ret = JSON.readTree(json.out()).path("web1")
        .path("test_|-after_|-after_|-succeed_without_changes");
    assertThat(ret.path("result").asBoolean(true)).isFalse();
    assertThat(ret.path("__run_num__").asInt()).isEqualTo(1);
    assertThat(ret.has("duration")).isTrue();
  }

  @Test
  void testTrue_showsWhatWouldChange() {
    Result r = brine("run", "web1", "state.apply", "web", "test=True");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("      Result: None\n")
        .contains("Succeeded: 2 (unchanged=1, changed=1)\n");
  }

  @Test
  void showTop_andACompileError_inOneLineEach() throws Exception {
    Result top = brine("run", "web1", "state.show_top", "--out", "json");
    assertThat(JSON.readTree(top.out()).path("web1").path("base").toString())
        .isEqualTo("[\"common\",\"web\"]");

    Result missing = brine("run", "web1", "state.sls", "nosuch");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(4);
    assertThat(missing.out())
        .contains("web1:\n    Data failed to compile:\n----------\n"
            + "    No matching sls found for 'nosuch' in env 'base'\n");
    for (Result r : List.of(top, missing)) {
      assertThat(r.err()).doesNotContain("Exception");
    }
  }

  @Test
  void stateSingle_printsTheHighstateOfOneState() {
    Result r = brine("run", "web1", "state.single", "test.succeed_with_changes", "one");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("          ID: one\n    Function: test.succeed_with_changes\n")
        .contains("Succeeded: 1 (changed=1)\n");
  }
}
