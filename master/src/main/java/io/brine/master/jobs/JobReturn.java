package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.time.Instant;
import java.util.Objects;

/**
 * One minion's return for a job, Salt's shape ({@code id, fun, return, retcode, success}) plus
 * when the master received it.
 *
 * @param ret the function's result, a JSON value; may be null (Salt's None)
 */
public record JobReturn(
    MinionId id, String fun, Object ret, int retcode, boolean success, Instant received) {
  public JobReturn {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fun, "fun");
    Objects.requireNonNull(received, "received");
  }
}
