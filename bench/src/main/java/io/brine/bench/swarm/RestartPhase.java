package io.brine.bench.swarm;

import io.brine.minion.daemon.MinionDaemon;
import java.time.Duration;
import java.util.List;

/**
 * A master killed with SIGKILL and started again with N minions connected: every minion loses its
 * connection at once, retries with its own back-off, meets a sealed master until the unseal, and
 * then all of them handshake together.
 */
final class RestartPhase {
  private static final Duration BACK_LIMIT = Duration.ofMinutes(10);
  private static final long POLL_MILLIS = 20;

  /**
   * @param minions the running minions
   * @param back how many started a new session after the restart
   * @param allBackSeconds from starting the restart until all had, or null if some never did
   * @param commandSeconds how long the restart itself took: kill, start, unseal
   */
  record Result(int minions, int back, Double allBackSeconds, double commandSeconds) {}

  private RestartPhase() {}

  static Result run(List<MinionDaemon> running, MasterRestart restart) throws Exception {
    long[] sessions = running.stream().mapToLong(MinionDaemon::sessionsStarted).toArray();
    long start = System.nanoTime();
    restart.restart();
    double commandSeconds = (System.nanoTime() - start) / 1e9;
    long deadline = start + BACK_LIMIT.toNanos();
    while (back(running, sessions) < running.size() && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
    }
    int back = back(running, sessions);
    Double allBack = back == running.size() ? (System.nanoTime() - start) / 1e9 : null;
    return new Result(running.size(), back, allBack, commandSeconds);
  }

  private static int back(List<MinionDaemon> daemons, long[] sessions) {
    int back = 0;
    for (int i = 0; i < sessions.length; i++) {
      if (daemons.get(i).sessionsStarted() > sessions[i]) {
        back++;
      }
    }
    return back;
  }
}
