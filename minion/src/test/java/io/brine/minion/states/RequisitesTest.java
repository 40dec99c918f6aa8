package io.brine.minion.states;

import static org.assertj.core.api.Assertions.assertThat;

import io.brine.minion.functions.FunctionOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Salt's requisites as its documentation gives them, one row each: an SLS of Salt's test states,
 * the order the states must run in, and each state's result and comment. Runs the real state
 * module end to end on the minion side (render, compile, order, run).
 */
class RequisitesTest {
  /** One state's expected outcome: its result ("True", "False", "None") and a comment part. */
  record Expect(String id, String result, String comment) {
    static Expect of(String spec) {
      String[] p = spec.split("\\|", 3);
      return new Expect(p[0], p[1], p.length > 2 ? p[2] : "");
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        row("require runs the required state first, though declared after",
            """
            b:
              test.succeed_without_changes:
                - require:
                  - test: a
            a:
              test.succeed_without_changes
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("a failed requisite fails its dependents, transitively",
            """
            a:
              test.fail_without_changes
            b:
              test.succeed_without_changes:
                - require:
                  - a
            c:
              test.succeed_without_changes:
                - require:
                  - test: b
            """,
            "a b c", 2, "a|False|Failure!", "b|False|One or more requisite failed: r.a",
            "c|False|One or more requisite failed: r.b"),
        row("require_in is require declared from the other end",
            """
            b:
              test.succeed_without_changes
            a:
              test.succeed_without_changes:
                - require_in:
                  - test: b
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("watch of a state that changed runs mod_watch",
            """
            a:
              test.succeed_with_changes
            b:
              test.succeed_without_changes:
                - watch:
                  - test: a
            """,
            "a b", 0, "a|True|Success!", "b|True|Watch statement fired."),
        row("watch of a state that changed nothing is a plain require",
            """
            a:
              test.succeed_without_changes
            b:
              test.succeed_without_changes:
                - watch:
                  - test: a
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("watch_in of a failed state fails the watcher",
            """
            b:
              test.succeed_without_changes
            a:
              test.fail_with_changes:
                - watch_in:
                  - test: b
            """,
            "a b", 2, "a|False|Failure!", "b|False|One or more requisite failed: r.a"),
        row("onchanges runs when the state changed",
            """
            a:
              test.succeed_with_changes
            b:
              test.succeed_without_changes:
                - onchanges:
                  - test: a
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("onchanges does not run when nothing changed",
            """
            a:
              test.succeed_without_changes
            b:
              test.succeed_with_changes:
                - onchanges:
                  - test: a
            """,
            "a b", 0, "a|True|Success!",
            "b|True|State was not run because none of the onchanges reqs changed"),
        row("onchanges_in is onchanges from the other end",
            """
            b:
              test.succeed_with_changes
            a:
              test.succeed_without_changes:
                - onchanges_in:
                  - test: b
            """,
            "a b", 0, "a|True|Success!",
            "b|True|State was not run because none of the onchanges reqs changed"),
        row("onfail runs when the state failed, and the failure still counts",
            """
            a:
              test.fail_without_changes
            b:
              test.succeed_with_changes:
                - onfail:
                  - test: a
            """,
            "a b", 2, "a|False|Failure!", "b|True|Success!"),
        row("onfail does not run when the state succeeded",
            """
            a:
              test.succeed_without_changes
            b:
              test.succeed_with_changes:
                - onfail:
                  - test: a
            """,
            "a b", 0, "a|True|Success!",
            "b|True|State was not run because onfail req did not change"),
        row("prereq runs first when the state would change",
            """
            b:
              test.succeed_with_changes
            a:
              test.succeed_without_changes:
                - prereq:
                  - test: b
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("prereq does not run when the state would not change",
            """
            b:
              test.succeed_without_changes
            a:
              test.succeed_with_changes:
                - prereq:
                  - test: b
            """,
            "a b", 0, "a|True|No changes detected", "b|True|Success!"),
        row("a failed prereq fails the state it guards",
            """
            b:
              test.succeed_with_changes
            a:
              test.fail_without_changes:
                - prereq:
                  - b
            """,
            "a b", 2, "a|False|Failure!", "b|False|One or more requisite failed: r.a"),
        row("prereq_in is prereq from the other end",
            """
            b:
              test.succeed_with_changes:
                - prereq_in:
                  - test: a
            a:
              test.succeed_without_changes
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("order: first and numbers run before the auto order, last after",
            """
            c:
              test.succeed_without_changes:
                - order: last
            b:
              test.succeed_without_changes
            a:
              test.succeed_without_changes:
                - order: 1
            """,
            "a b c", 0, "a|True|Success!", "b|True|Success!", "c|True|Success!"),
        row("failhard stops the run at the failed state",
            """
            a:
              test.succeed_without_changes
            b:
              test.fail_without_changes:
                - failhard: True
            c:
              test.succeed_without_changes
            """,
            "a b", 2, "a|True|Success!", "b|False|Failure!"),
        row("a requisite that names no state fails that state only",
            """
            a:
              test.succeed_without_changes:
                - require:
                  - test: nothere
            b:
              test.succeed_without_changes
            """,
            "a b", 2, "a|False|The following requisites were not found: require: test: nothere",
            "b|True|Success!"),
        row("a requisite on a state of the wrong module is not found",
            """
            a:
              test.succeed_without_changes
            b:
              test.succeed_without_changes:
                - require:
                  - file: a
            """,
            "a b", 2, "a|True|Success!", "b|False|requisites were not found: require: file: a"),
        row("sls: requires every state of an included SLS",
            """
            include:
              - r.other
            a:
              test.succeed_without_changes:
                - require:
                  - sls: r.other
            """,
            "x a", 0, "x|True|Success!", "a|True|Success!"),
        row("a requisite by name, not id",
            """
            a:
              test.succeed_without_changes:
                - name: the-name
            b:
              test.succeed_without_changes:
                - require:
                  - test: the-name
            """,
            "a b", 0, "a|True|Success!", "b|True|Success!"),
        row("onlyif false and unless true skip the state",
            """
            a:
              test.fail_without_changes:
                - onlyif: 'false'
            b:
              test.fail_without_changes:
                - unless:
                  - 'true'
                  - 'exit 0'
            c:
              test.succeed_with_changes:
                - onlyif: 'true'
                - unless: 'false'
            """,
            "a b c", 0, "a|True|onlyif condition is false", "b|True|unless condition is true",
            "c|True|Success!"),
        row("extend adds a requisite to an included state",
            """
            include:
              - r.other
            extend:
              x:
                test:
                  - require:
                    - test: a
            a:
              test.succeed_without_changes:
                - order: last
            """,
            "a x", 0, "a|True|Success!", "x|True|Success!"));
  }

  private static Arguments row(
      String what, String sls, String order, int retcode, String... expects) {
    List<Expect> e = new ArrayList<>();
    for (String s : expects) {
      e.add(Expect.of(s));
    }
    return Arguments.of(what, sls, List.of(order.split(" ")), retcode, e);
  }

  /** A result as Salt prints it. */
  static String python(Object result) {
    return result == null ? "None" : Boolean.TRUE.equals(result) ? "True" : "False";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void requisite(String what, String sls, List<String> order, int retcode, List<Expect> expects,
      @TempDir Path root) throws Exception {
    StateRuns runs = new StateRuns(root)
        .file("r.sls", sls)
        .file("r/other.sls", "x:\n  test.succeed_without_changes\n");
    FunctionOutput out = runs.apply("r");
    assertThat(out.value()).as(what).isInstanceOf(Map.class);
    Map<String, Map<String, Object>> byId = StateRuns.byId(out);
    assertThat(byId.keySet()).as(what + ": the states run, in order").containsExactlyElementsOf(
        order);
    for (Expect e : expects) {
      Map<String, Object> ret = byId.get(e.id());
      assertThat(python(ret.get("result"))).as(what + ": " + e.id()).isEqualTo(e.result());
      assertThat((String) ret.get("comment")).as(what + ": " + e.id()).contains(e.comment());
    }
    assertThat(out.retcode()).as(what + ": retcode").isEqualTo(retcode);
  }
}
