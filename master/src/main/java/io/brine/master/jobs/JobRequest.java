package io.brine.master.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.protocol.job.JobPublication;
import io.brine.protocol.job.Target;
import java.time.Duration;
import java.util.Objects;

/** What an operator asks for: {@code brine run TARGET FUN ARGS... KEY=VALUE... --timeout N}. */
public record JobRequest(
    Target target, String fun, ArrayNode args, ObjectNode kwargs, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public JobRequest {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(kwargs, "kwargs");
    Objects.requireNonNull(timeout, "timeout");
    if (!JobPublication.isFunctionName(fun)) {
      throw new IllegalArgumentException(
          "'" + fun + "' is not a function name (module.function, e.g. test.ping)");
    }
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(JobPublication.MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be 1 s to 1 day");
    }
  }
}
