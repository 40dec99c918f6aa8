package io.brine.bench.swarm;

import io.brine.minion.config.MasterAddress;
import io.brine.minion.daemon.MinionDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The cluster's failover under load (issue 17): with the fleet spread over every master, the
 * active master is killed with SIGKILL. Its minions lose their connection and fail over to the
 * next master of their list; the others keep theirs; a standby takes the HA lock once its TTL
 * has passed by the database's clock. A {@code test.ping} published just before the kill, while
 * its returns are in flight, shows what a kill costs a running job. The figure is the time from the
 * kill until every minion holds a session again and a new {@code test.ping} has every return.
 */
final class KillActivePhase {
  private static final Duration LIMIT = Duration.ofMinutes(5);
  /** How long one recovery ping may take before another is published. */
  private static final Duration PING_LIMIT = Duration.ofSeconds(20);
  private static final long POLL_MILLIS = 20;

  /**
   * @param minions the running minions
   * @param moved how many of them were on the killed master
   * @param newActiveSeconds from the kill until another master answered {@code sys/health} 200,
   *     or null if none did within the limit
   * @param sessionsSeconds from the kill until every minion held a session again, the moved ones
   *     a new one, or null
   * @param jobsSeconds from the kill until a {@code test.ping} published after it had every
   *     return, or null
   * @param pingsTried recovery pings published (one unless an earlier one missed a minion)
   * @param inFlightExpected the minions the ping published just before the kill targeted
   * @param inFlightReturned how many of them had returned when the phase ended
   */
  record Result(
      int minions,
      int moved,
      Double newActiveSeconds,
      Double sessionsSeconds,
      Double jobsSeconds,
      int pingsTried,
      int inFlightExpected,
      int inFlightReturned) {
    boolean complete() {
      return jobsSeconds != null && sessionsSeconds != null;
    }
  }

  private KillActivePhase() {}

  /**
   * @param masters the masters' minion addresses, in the order of {@code pidFiles} and of the
   *     APIs {@code api} was given
   */
  static Result run(
      List<MinionDaemon> daemons, List<MasterAddress> masters, List<Path> pidFiles, OperatorApi api)
      throws IOException, InterruptedException {
    int active = api.active();
    if (active < 0) {
      throw new IOException("no master answers sys/health 200: no active master to kill");
    }
    MasterAddress killed = masters.get(active);
    boolean[] onKilled = new boolean[daemons.size()];
    long[] sessions = new long[daemons.size()];
    int moved = 0;
    for (int i = 0; i < daemons.size(); i++) {
      onKilled[i] = killed.equals(daemons.get(i).currentMaster());
      sessions[i] = daemons.get(i).sessionsStarted();
      moved += onKilled[i] ? 1 : 0;
    }
    OperatorApi.Job inFlight = api.publishPing();
    long start = System.nanoTime();
    kill(pidFiles.get(active));
    long deadline = start + LIMIT.toNanos();
    Double newActive = null;
    Double sessionsBack = null;
    Double jobsRun = null;
    int pingsTried = 0;
    OperatorApi.Job recovery = null;
    long recoveryDeadline = 0;
    long nextHealth = 0;
    while (jobsRun == null && System.nanoTime() < deadline) {
      long now = System.nanoTime();
      if (newActive == null && now >= nextHealth) {
        int found = api.active();
        if (found >= 0 && found != active) {
          newActive = seconds(start);
        }
        nextHealth = now + 200_000_000L;
      }
      if (sessionsBack == null && allBack(daemons, onKilled, sessions)) {
        sessionsBack = seconds(start);
      }
      if (sessionsBack != null && newActive != null) {
        if (recovery == null || System.nanoTime() > recoveryDeadline) {
          recovery = publish(api);
          if (recovery != null) {
            pingsTried++;
            recoveryDeadline = System.nanoTime() + PING_LIMIT.toNanos();
          }
        } else if (returned(api, recovery) >= Math.min(recovery.expected(), daemons.size())) {
          // After --rotation the deleted minion's key may be back (auto_accept took its last
          // HELLO) while its daemon is closed: the job targets it, but it cannot answer.
          jobsRun = seconds(start);
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
    int inFlightReturned = newActive == null ? 0 : returned(api, inFlight);
    return new Result(
        daemons.size(),
        moved,
        newActive,
        sessionsBack,
        jobsRun,
        pingsTried,
        inFlight.expected(),
        inFlightReturned);
  }

  private static void kill(Path pidFile) throws IOException {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle master =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IOException("no process " + pid + " (from " + pidFile + ")"));
    // SIGKILL on Linux: the master gets no chance to give the lock up.
    if (!master.destroyForcibly()) {
      throw new IOException("could not kill process " + pid);
    }
  }

  private static boolean allBack(List<MinionDaemon> daemons, boolean[] onKilled, long[] sessions) {
    for (int i = 0; i < daemons.size(); i++) {
      MinionDaemon daemon = daemons.get(i);
      if (daemon.state() != MinionDaemon.State.AUTHENTICATED
          || (onKilled[i] && daemon.sessionsStarted() <= sessions[i])) {
        return false;
      }
    }
    return true;
  }

  /** A ping through whichever master serves it, or null while none does (the lock is not taken). */
  private static OperatorApi.Job publish(OperatorApi api) throws InterruptedException {
    try {
      return api.publishPing();
    } catch (IOException e) {
      return null;
    }
  }

  private static int returned(OperatorApi api, OperatorApi.Job job) throws InterruptedException {
    try {
      return api.returned(job.jid());
    } catch (IOException e) {
      return 0;
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
