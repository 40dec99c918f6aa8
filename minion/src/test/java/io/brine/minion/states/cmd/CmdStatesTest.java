package io.brine.minion.states.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionOutput;
import io.brine.minion.states.StateRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salt's cmd states through the real state module: real /bin/sh processes in a temp folder. */
class CmdStatesTest {
  @TempDir Path root;
  @TempDir Path work;

  private Map<String, Map<String, Object>> apply(String sls, Object... kwargs) throws Exception {
    StateRuns runs = new StateRuns(root).file("c.sls", sls);
    FunctionOutput out = runs.apply("c", kwargs);
    return StateRuns.byId(out);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> changes(Map<String, Object> ret) {
    return (Map<String, Object>) ret.get("changes");
  }

  @Test
  void run_returnsRunAllsShape_andSaltsComment() throws Exception {
    Map<String, Object> r = apply("""
        hello:
          cmd.run:
            - name: echo out; echo err >&2
        """).get("hello");

    assertThat(r.get("result")).isEqualTo(true);
    assertThat(r.get("comment")).isEqualTo("Command \"echo out; echo err >&2\" run");
    assertThat(changes(r)).containsOnlyKeys("pid", "retcode", "stdout", "stderr");
    assertThat(changes(r)).containsEntry("retcode", 0).containsEntry("stdout", "out")
        .containsEntry("stderr", "err");
    assertThat(((Number) changes(r).get("pid")).longValue()).isPositive();
  }

  @Test
  void aNonZeroExit_isResultFalse_withTheChanges() throws Exception {
    Map<String, Object> r = apply("""
        fails:
          cmd.run:
            - name: exit 3
        """).get("fails");

    assertThat(r.get("result")).isEqualTo(false);
    assertThat(r.get("comment")).isEqualTo("Command \"exit 3\" run");
    assertThat(changes(r)).containsEntry("retcode", 3);
  }

  @Test
  void testMode_runsNothing_andSaysWhatWouldRun() throws Exception {
    Path made = work.resolve("made");
    Map<String, Object> r = apply("""
        touch:
          cmd.run:
            - name: touch %s
        """.formatted(made), "test", true).get("touch");

    assertThat(r.get("result")).isNull();
    assertThat(r.get("comment"))
        .isEqualTo("Command \"touch " + made + "\" would have been executed");
    assertThat(changes(r)).isEmpty();
    assertThat(made).doesNotExist();
  }

  @Test
  void cwdEnvAndRunas_reachTheCommand() throws Exception {
    Map<String, Object> r = apply("""
        where:
          cmd.run:
            - name: echo "$(pwd) $GREETING $(id -un)"
            - cwd: %s
            - env:
                GREETING: hi
            - runas: nobody
        """.formatted(work)).get("where");

    assertThat(r.get("result")).isEqualTo(true);
    assertThat(changes(r))
        .containsEntry("stdout", work.toRealPath() + " hi nobody");
  }

  @Test
  void aMissingCwdOrUser_failsInOneLine_beforeRunning() throws Exception {
    Map<String, Map<String, Object>> r = apply("""
        nocwd:
          cmd.run:
            - name: "true"
            - cwd: %s/absent
        nouser:
          cmd.run:
            - name: "true"
            - runas: brnouser
        badshell:
          cmd.run:
            - name: "true"
            - shell: /bin/zsh
        """.formatted(work));

    assertThat(r.get("nocwd").get("result")).isEqualTo(false);
    assertThat(r.get("nocwd").get("comment"))
        .isEqualTo("Desired working directory \"" + work + "/absent\" is not available");
    assertThat(r.get("nouser").get("comment")).isEqualTo("User brnouser is not available");
    assertThat(r.get("badshell").get("result")).isEqualTo(false);
    assertThat((String) r.get("badshell").get("comment")).contains("/bin/sh only");
  }

  @Test
  void timeout_killsTheCommand_andFails() throws Exception {
    Map<String, Object> r = apply("""
        slow:
          cmd.run:
            - name: sleep 30
            - timeout: 1
        """).get("slow");

    assertThat(r.get("result")).isEqualTo(false);
    assertThat(changes(r)).containsEntry("retcode", 124);
  }

  @Test
  void stateful_readsTheLastLine_orAJsonObject() throws Exception {
    Map<String, Map<String, Object>> r = apply("""
        unchanged:
          cmd.run:
            - name: echo working; echo "changed=no comment='all good'"
            - stateful: true
        changed:
          cmd.run:
            - name: echo working; echo "changed=yes comment='did it' extra=1"
            - stateful: true
        json:
          cmd.run:
            - name: >-
                echo '{"changed": true, "comment": "from json", "what": "x"}'
            - stateful: true
        garbage:
          cmd.run:
            - name: echo not pairs
            - stateful: true
        """);

    assertThat(r.get("unchanged").get("result")).isEqualTo(true);
    assertThat(r.get("unchanged").get("comment")).isEqualTo("all good");
    assertThat(changes(r.get("unchanged"))).isEmpty();

    assertThat(r.get("changed").get("comment")).isEqualTo("did it");
    assertThat(changes(r.get("changed")))
        .containsEntry("changed", "yes").containsEntry("extra", "1")
        .containsEntry("stdout", "working").containsEntry("retcode", 0)
        .doesNotContainKey("comment");

    assertThat(r.get("json").get("comment")).isEqualTo("from json");
    assertThat(changes(r.get("json")))
        .containsEntry("what", "x").containsEntry("stdout", "");

    assertThat(r.get("garbage").get("result")).isEqualTo(false);
    assertThat((String) r.get("garbage").get("comment"))
        .startsWith("Failed parsing script output!");
  }

  @Test
  void wait_runsOnlyWhenAWatchedStateChanged_andRunWatched_runsOnce() throws Exception {
    Path fired = work.resolve("fired");
    Path quiet = work.resolve("quiet");
    Path count = work.resolve("count");
    Map<String, Map<String, Object>> r = apply("""
        changes:
          test.succeed_with_changes
        nochanges:
          test.succeed_without_changes
        fire:
          cmd.wait:
            - name: touch %s
            - watch:
              - test: changes
        stay:
          cmd.wait:
            - name: touch %s
            - watch:
              - test: nochanges
        count:
          cmd.run:
            - name: echo x >> %s
            - watch:
              - test: changes
        """.formatted(fired, quiet, count));

    assertThat(fired).exists();
    assertThat(r.get("fire").get("comment")).isEqualTo("Command \"touch " + fired + "\" run");
    assertThat(quiet).doesNotExist();
    assertThat(r.get("stay").get("result")).isEqualTo(true);
    assertThat(changes(r.get("stay"))).isEmpty();
    assertThat(Files.readAllLines(count)).containsExactly("x");
  }

  @Test
  void onlyifOfTheEngine_withTheStatesCwd_keepsTheCommandFromRunning() throws Exception {
    Files.writeString(work.resolve("marker"), "");
    Path made = work.resolve("made");
    Map<String, Object> r = apply("""
        guarded:
          cmd.run:
            - name: touch %s
            - cwd: %s
            - unless: test -e marker
        """.formatted(made, work)).get("guarded");

    assertThat(r.get("comment")).isEqualTo("unless condition is true");
    assertThat(made).doesNotExist();
  }

  @Test
  void script_fetchesFromTheMaster_andRunsWithArgs() throws Exception {
    new StateRuns(root).file("scripts/greet.sh", "#!/bin/sh\necho \"hello $1 $2\"\n");
    Map<String, Map<String, Object>> r = apply("""
        greet:
          cmd.script:
            - source: salt://scripts/greet.sh
            - args: "big 'wide world'"
        byname:
          cmd.script:
            - name: salt://scripts/greet.sh there
        missing:
          cmd.script:
            - name: salt://scripts/none.sh
        """);

    assertThat(r.get("greet").get("result")).isEqualTo(true);
    assertThat(r.get("greet").get("comment")).isEqualTo("Command 'greet' run");
    assertThat(changes(r.get("greet")))
        .containsEntry("stdout", "hello big wide world");
    assertThat(changes(r.get("byname"))).containsEntry("stdout", "hello there");
    assertThat(r.get("missing").get("result")).isEqualTo(false);
    assertThat(r.get("missing").get("comment"))
        .isEqualTo("Unable to cache script salt://scripts/none.sh from saltenv 'base'");
  }

  @Test
  void script_inTestMode_runsNothing() throws Exception {
    Path made = work.resolve("made");
    new StateRuns(root).file("s.sh", "touch " + made + "\n");
    Map<String, Object> r = apply("""
        s:
          cmd.script:
            - source: salt://s.sh
        """, "test", true).get("s");

    assertThat(r.get("result")).isNull();
    assertThat(r.get("comment")).isEqualTo("Command 's' would have been executed");
    assertThat(made).doesNotExist();
  }
}
