package io.brine.minion.jobs;

/**
 * What goes back to the master, Salt's return shape: {@code ret} is the function's value (a JSON
 * value) or the one-line error, {@code success} is {@code retcode == 0}. The rules are on {@link
 * JobRunner}.
 */
public record JobResult(
    String jid, String id, String fun, Object ret, int retcode, boolean success) {
  static JobResult of(JobCall call, String id, Object ret, int retcode) {
    return new JobResult(call.jid(), id, call.fun(), ret, retcode, retcode == 0);
  }
}
