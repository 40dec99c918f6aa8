package io.brine.minion.daemon;

import io.brine.minion.jobs.JobThreads;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;

/**
 * Threads that many minions in one JVM share (the swarm in bench/): a few event loops for their
 * connections, and one pool for their jobs. Minions started on them leave them running when they
 * close; whoever made them shuts them down, after the minions.
 */
public record SharedThreads(EventLoopGroup loops, JobThreads jobs) {
  public SharedThreads {
    Objects.requireNonNull(loops, "loops");
    Objects.requireNonNull(jobs, "jobs");
  }
}
