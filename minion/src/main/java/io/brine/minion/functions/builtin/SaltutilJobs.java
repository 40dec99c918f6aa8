package io.brine.minion.functions.builtin;

import io.brine.minion.functions.FunctionException;
import io.brine.minion.functions.JobControl;
import io.brine.minion.functions.OneLine;
import java.util.Map;
import java.util.Optional;

/** What the saltutil job functions share: the runner they run in, and Salt's answers. */
final class SaltutilJobs {
  private SaltutilJobs() {}

  static JobControl control(String function) throws FunctionException {
    return JobControl.current()
        .orElseThrow(
            () -> new FunctionException(function + " runs only as a job of a minion's runner"));
  }

  /**
   * Salt's {@code signal_job} answer: "Signal 9 sent to job JID at pid PID", or an empty string when
   * no such job runs here.
   */
  static String stop(String function, String jid, JobControl.Signal signal)
      throws FunctionException {
    Optional<Map<String, Object>> was = control(function).stop(jid, signal);
    return was.map(
            data ->
                "Signal "
                    + signal.number()
                    + " sent to job "
                    + OneLine.of(jid)
                    + " at pid "
                    + data.get("pid"))
        .orElse("");
  }
}
