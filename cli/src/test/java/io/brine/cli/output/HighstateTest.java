package io.brine.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Salt's highstate outputter over a state run's returns, as a minion sends them. */
class HighstateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RUN =
      """
      {"test_|-b_|-b_|-succeed_with_changes": {"name": "b", "changes": {"testing":
         {"old": "Unchanged", "new": "Something pretended to change"}}, "result": true,
         "comment": "Success!", "__sls__": "web", "__run_num__": 1,
         "start_time": "12:00:00.000200", "duration": 0.5, "__id__": "b"},
       "test_|-a_|-/etc/a_|-succeed_without_changes": {"name": "/etc/a", "changes": {},
         "result": true, "comment": "Success!", "__sls__": "web", "__run_num__": 0,
         "start_time": "12:00:00.000100", "duration": 1.25, "__id__": "a"},
       "test_|-c_|-c_|-fail_without_changes": {"name": "c", "changes": {}, "result": false,
         "comment": "Failure!\\nsecond line", "__sls__": "web", "__run_num__": 2,
         "start_time": "12:00:00.000300", "duration": 2, "__id__": "c"}}
      """;

  private final StringWriter text = new StringWriter();

  private Outputter outputter(String stateOutput, boolean verbose) {
    return new Outputter(
        new PrintWriter(text),
        new Outputter.Options(
            OutputFormat.HIGHSTATE, false, 4, Colors.NONE, stateOutput, verbose));
  }

  @Test
  void full_printsEachStateInRunOrder_thenSaltsSummary() throws Exception {
    Outputter out = outputter("full", true);
    out.minion("web1", JSON.readTree(RUN), true);
    out.finish();

    assertThat(text.toString())
        .isEqualTo(
            """
            web1:
            ----------
                      ID: a
                Function: test.succeed_without_changes
                    Name: /etc/a
                  Result: True
                 Comment: Success!
                 Started: 12:00:00.000100
                Duration: 1.25 ms
                 Changes:  \s
            ----------
                      ID: b
                Function: test.succeed_with_changes
                  Result: True
                 Comment: Success!
                 Started: 12:00:00.000200
                Duration: 0.5 ms
                 Changes:  \s
                          ----------
                          testing:
                              ----------
                              old:
                                  Unchanged
                              new:
                                  Something pretended to change
            ----------
                      ID: c
                Function: test.fail_without_changes
                  Result: False
                 Comment: Failure!
                          second line
                 Started: 12:00:00.000300
                Duration: 2 ms
                 Changes:  \s

            Summary for web1
            ------------
            Succeeded: 2 (changed=1)
            Failed:    1
            ------------
            Total states run:     3
            Total run time:   3.750 ms
            """);
  }

  @Test
  void terseAndQuiet_oneLinePerState_andStateVerboseFalseHidesTheCleanOnes() throws Exception {
    Outputter out = outputter("terse", false);
    out.minion("web1", JSON.readTree(RUN), true);
    out.finish();

    String printed = text.toString();
    assertThat(printed).doesNotContain("ID: a", "Name: /etc/a -");
    assertThat(printed)
        .contains(
            "  Name: b - Function: test.succeed_with_changes - Result: Changed Started: -"
                + " 12:00:00.000200 Duration: 0.5 ms\n",
            "  Name: c - Function: test.fail_without_changes - Result: Failed",
            "Succeeded: 2 (changed=1)\nFailed:    1\n");
  }

  @Test
  void testMode_noneResultsAreUnchanged_andACompileErrorIsDataFailedToCompile()
      throws Exception {
    Outputter out = outputter("full", true);
    out.minion("web1", JSON.readTree("""
        {"test_|-a_|-a_|-succeed_with_changes": {"name": "a", "changes": {"x": 1},
          "result": null, "comment": "would", "__run_num__": 0, "duration": 1, "__id__": "a"}}
        """), false);
    out.minion("web2", JSON.readTree(
        "[\"Rendering SLS 'base:web' failed: salt://web.sls: line 3: 'x' is undefined\"]"), true);
    out.minion("web3", JSON.readTree("\"Minion did not return. [No response]\""), true);
    out.finish();

    assertThat(text.toString())
        .contains("      Result: None\n", "Succeeded: 1 (unchanged=1, changed=1)\n")
        .contains(
            "web2:\n    Data failed to compile:\n----------\n    Rendering SLS 'base:web' failed:"
                + " salt://web.sls: line 3: 'x' is undefined\n")
        .contains("web3:\n    Minion did not return. [No response]\n");
  }

  @Test
  void aStateOutputThatIsNoneOfSaltsIsRefused() {
    assertThatThrownBy(() -> Highstate.StateOutput.of("loud"))
        .hasMessage("--state-output must be full, terse, mixed or changes, not 'loud'");
  }
}
