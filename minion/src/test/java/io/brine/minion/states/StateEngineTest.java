package io.brine.minion.states;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionOutput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state module's compile and run paths over a real SLS tree: top.sls matching, show_*,
 * Salt's errors for what does not compile (each naming its SLS, and its line for a render error),
 * test mode, templates with grains and salt[...], and return shapes.
 */
class StateEngineTest {
  @TempDir Path root;

  private StateRuns runs() {
    return new StateRuns(root);
  }

  @Test
  @SuppressWarnings("unchecked")
  void highstate_takesTheSlsTheTopFileGivesThisMinion_byGlobListGrainPcreAndCompound()
      throws Exception {
    StateRuns runs =
        runs()
            .file("top.sls", """
                base:
                  '*':
                    - common
                  'db*':
                    - db
                  'web1,web2':
                    - match: list
                    - listed
                  'kernel:Linux':
                    - match: grain
                    - linux
                  'web[0-9]+':
                    - match: pcre
                    - pcre
                  'web* and not G@kernel:Windows':
                    - match: compound
                    - compound
                  'other':
                    - other
                """)
            .file("common.sls", "c:\n  test.nop\n")
            .file("listed.sls", "l:\n  test.nop\n")
            .file("linux/init.sls", "x:\n  test.nop\n")
            .file("pcre.sls", "p:\n  test.nop\n")
            .file("compound.sls", "k:\n  test.nop\n");

    assertThat(runs.call("state.show_top", List.of(), Map.of()).value())
        .isEqualTo(Map.of("base", List.of("common", "listed", "linux", "pcre", "compound")));
    FunctionOutput out = runs.call("state.highstate", List.of(), Map.of());
    assertThat(StateRuns.byId(out).keySet()).containsExactly("c", "l", "x", "p", "k");
    assertThat(out.retcode()).isZero();
    Map<String, Object> ret =
        (Map<String, Object>) ((Map<String, Object>) out.value()).get("test_|-c_|-c_|-nop");
    assertThat(ret.keySet())
        .containsExactly("name", "changes", "result", "comment", "__sls__", "__run_num__",
            "start_time", "duration", "__id__");
    assertThat(ret).containsEntry("__sls__", "common").containsEntry("result", true);
    assertThat((String) ret.get("start_time")).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
  }

  @Test
  void aHighstateWithNoTopMatch_isSaltsNoTopFileResult_retcode2() throws Exception {
    FunctionOutput out = runs().file("top.sls", "base:\n  'db*':\n    - db\n")
        .call("state.apply", List.of(), Map.of());
    assertThat(out.retcode()).isEqualTo(2);
    assertThat(out.value().toString()).contains("No Top file or master_tops data matches found");
  }

  @Test
  void templatesSeeGrainsSaltAndSls_andShowSlsIsSaltsHighData() throws Exception {
    StateRuns runs = runs().file("web/init.sls", """
        {% set word = salt['test.echo']('hello') %}
        greet-{{ grains['id'] }}:
          test.show_notification:
            - text: {{ word }} from {{ sls }} on {{ grains['kernel'] }}
        """);
    FunctionOutput out = runs.apply("web");
    assertThat(StateRuns.byId(out).get("greet-web1").get("comment"))
        .isEqualTo("hello from web on Linux");

    Object high = runs.call("state.show_sls", List.of("web"), Map.of()).value();
    assertThat(high).isEqualTo(Map.of("greet-web1", Map.of(
        "__sls__", "web", "__env__", "base",
        "test", List.of(Map.of("text", "hello from web on Linux"), "show_notification",
            Map.of("order", 10000L)))));
  }

  @Test
  void whatDoesNotCompile_isSaltsListOfErrors_retcode1_andNothingRuns() throws Exception {
    StateRuns runs = runs()
        .file("bad.sls", "a:\n  test.nop\nb:\n  test.nop:\n    - text: {{ nothere }}\n")
        .file("dup1.sls", "include:\n  - dup2\nsame:\n  test.nop\n")
        .file("dup2.sls", "same:\n  test.nop\n")
        .file("inc.sls", "include:\n  - missing\na:\n  test.nop\n")
        .file("loop.sls", """
            a:
              test.nop:
                - require:
                  - test: b
            b:
              test.nop:
                - require:
                  - test: a
            """)
        .file("yaml.sls", "a:\n  test.nop: [\n")
        .file("dupkey.sls", "a:\n  test.nop\na:\n  test.nop\n");

    assertErrors(runs.apply("bad"), "Rendering SLS 'base:bad' failed: salt://bad.sls: line 5:",
        "nothere");
    assertErrors(runs.apply("dup1"),
        "Detected conflicting IDs, SLS IDs need to be globally unique. The conflicting ID is"
            + " 'same' and is found in SLS 'base:dup1' and SLS 'base:dup2'");
    assertErrors(runs.apply("inc"), "Specified SLS missing in saltenv base is not available");
    assertErrors(runs.apply("nosuch"), "No matching sls found for 'nosuch' in env 'base'");
    assertErrors(runs.apply("loop"),
        "Recursive requisite found: loop.a (test.nop) -> loop.b (test.nop) -> loop.a (test.nop)");
    assertErrors(runs.apply("yaml"), "Rendering SLS 'base:yaml' failed: salt://yaml.sls");
    assertErrors(runs.apply("dupkey"), "Rendering SLS 'base:dupkey' failed", "Duplicate");
  }

  private static void assertErrors(FunctionOutput out, String... parts) {
    assertThat(out.retcode()).as(String.valueOf(out.value())).isEqualTo(1);
    assertThat(out.value()).isInstanceOf(List.class);
    assertThat(String.join("\n", (List<String>) out.value())).contains(parts);
  }

  @Test
  void testTrue_reportsWhatWouldChange_resultNone_retcode0() throws Exception {
    StateRuns runs = runs().file("t.sls", "a:\n  test.succeed_with_changes\nb:\n"
        + "  test.succeed_without_changes\n");
    FunctionOutput out = runs.apply("t", "test", "True");
    assertThat(StateRuns.byId(out).get("a")).containsEntry("result", null)
        .containsEntry("comment", "If we weren't testing, this would be successful with changes");
    assertThat(StateRuns.byId(out).get("b")).containsEntry("result", true);
    assertThat(out.retcode()).isZero();
  }

  @Test
  void namesMakeOneStateEach_andTheInlinePillarReachesTemplates() throws Exception {
    StateRuns runs = runs().file("n.sls", """
        pkgs:
          test.show_notification:
            - text: {{ pillar.get('colour', 'none') }}
            - names:
              - one
              - two
        """);
    FunctionOutput out = runs.apply("n", "pillar", "{\"colour\": \"blue\"}");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> value = (Map<String, Map<String, Object>>) out.value();
    assertThat(value).containsOnlyKeys("test_|-pkgs_|-one_|-show_notification",
        "test_|-pkgs_|-two_|-show_notification");
    assertThat(value.get("test_|-pkgs_|-two_|-show_notification"))
        .containsEntry("comment", "blue").containsEntry("name", "two");
  }

  @Test
  void anUnknownStateFunctionFailsThatStateInSaltsWords() throws Exception {
    FunctionOutput out = runs().file("u.sls", "a:\n  nosuch.thing\n").apply("u");
    assertThat(StateRuns.byId(out).get("a")).containsEntry("result", false)
        .containsEntry("comment", "State 'nosuch.thing' was not found in SLS 'u'");
    assertThat(out.retcode()).isEqualTo(2);
  }

  @Test
  void showLowstate_isTheRunOrder() throws Exception {
    StateRuns runs = runs()
        .file("top.sls", "base:\n  '*':\n    - l\n")
        .file("l.sls", "b:\n  test.nop\na:\n  test.nop:\n    - order: 1\n");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> low =
        (List<Map<String, Object>>) runs.call("state.show_lowstate", List.of(), Map.of()).value();
    assertThat(low).extracting(m -> m.get("__id__")).containsExactly("a", "b");
    assertThat(low.get(0)).containsEntry("state", "test").containsEntry("fun", "nop")
        .containsEntry("order", 1L);
  }

  @Test
  void theMinionsPillarReachesSls_andAPillarTheMasterCannotCompileStopsTheRun_retcode5()
      throws Exception {
    String[] failure = {null};
    StateRuns runs = new StateRuns(root, refresh -> {
      if (failure[0] != null) {
        throw new java.io.IOException(failure[0]);
      }
      return Map.of("app", Map.of("port", 8080));
    }).file("p.sls", "a:\n  test.show_notification:\n    - text: port {{ pillar['app']['port'] }}\n");

    assertThat(StateRuns.byId(runs.apply("p")).get("a")).containsEntry("comment", "port 8080");

    failure[0] = "pillar is unavailable: the master's vault is sealed";
    FunctionOutput out = runs.apply("p");
    assertThat(out.retcode()).isEqualTo(5);
    assertThat(out.value()).isEqualTo(List.of(
        "Pillar failed to render with the following messages:",
        "pillar is unavailable: the master's vault is sealed"));
  }

  @Test
  void stateSingle_runsOneStateWithoutAnSls_testTrueChangesNothing() throws Exception {
    StateRuns runs = runs();
    Path motd = root.resolve("out/motd");

    FunctionOutput dry = runs.call("state.single", List.of("file.managed", motd.toString()),
        Map.of("contents", "hi", "makedirs", "True", "test", "True"));
    assertThat(dry.retcode()).isZero();
    assertThat(motd).doesNotExist();

    FunctionOutput out = runs.call("state.single", List.of("file.managed"),
        Map.of("name", motd.toString(), "contents", "hi", "makedirs", true));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> value = (Map<String, Map<String, Object>>) out.value();
    assertThat(value).containsOnlyKeys("file_|-" + motd + "_|-" + motd + "_|-managed");
    assertThat(value.values().iterator().next()).containsEntry("result", true)
        .containsEntry("__sls__", null);
    assertThat(java.nio.file.Files.readString(motd)).isEqualTo("hi\n");

    FunctionOutput unknown = runs.call("state.single", List.of("nosuch.thing", "x"), Map.of());
    assertThat(unknown.retcode()).isEqualTo(2);
    assertThat(unknown.value().toString()).contains("State 'nosuch.thing' was not found");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> runs.call("state.single", List.of("managed", "x"), Map.of()))
        .hasMessageContaining("module.function");
  }
}
