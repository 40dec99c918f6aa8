package io.brine.bench.swarm;

import io.brine.minion.daemon.MinionDaemon;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A publish-key rotation under load: deleting one accepted key makes the master rotate the publish
 * key within a second and ask every connected minion to re-authenticate, spread over its {@code
 * reauth_window}. A job published at once, while the rotation is under way, must still reach every
 * remaining minion: one sealed under the old key is held by the master until that minion has
 * re-authenticated.
 */
final class RotationPhase {
  private static final Duration EPOCH_LIMIT = Duration.ofMinutes(10);
  private static final Duration JOB_LIMIT = Duration.ofMinutes(2);
  private static final long POLL_MILLIS = 20;

  /**
   * @param minions the minions that remain (all but the deleted one)
   * @param epochsMoved how many of them took a newer publish key
   * @param allMovedSeconds from the delete until all of them had, or null if some never did
   * @param jobExpected the minions the job published during the rotation targeted
   * @param jobReturned how many of them returned within {@link #JOB_LIMIT}
   * @param sealStatus the operator API's seal-status latency meanwhile
   */
  record Result(
      int minions,
      int epochsMoved,
      Double allMovedSeconds,
      int jobExpected,
      int jobReturned,
      Latencies sealStatus) {
    /** The goal is none. */
    int lost() {
      return jobExpected - jobReturned;
    }
  }

  private RotationPhase() {}

  /**
   * Deletes the key of {@code daemons.get(0)} and closes that daemon; the others must all be
   * connected.
   */
  static Result run(List<MinionDaemon> daemons, OperatorApi api, String apiUrl)
      throws IOException, InterruptedException {
    MinionDaemon deleted = daemons.get(0);
    List<MinionDaemon> remaining = daemons.subList(1, daemons.size());
    int[] epochs = remaining.stream().mapToInt(MinionDaemon::publishEpoch).toArray();
    Double allMoved = null;
    OperatorApi.Job job;
    int returned = 0;
    Latencies sealStatus;
    SealStatusProbe probe = SealStatusProbe.start(apiUrl);
    try {
      // Closed first: with auto_accept its next HELLO would be accepted as a new key (on a
      // cluster at once, through the next master of its list), and the job would target it.
      deleted.close();
      long start = System.nanoTime();
      api.deleteKey(deleted.id().value());
      job = api.publishPing();
      long jobDeadline = System.nanoTime() + JOB_LIMIT.toNanos();
      long epochDeadline = start + EPOCH_LIMIT.toNanos();
      boolean jobDone = false;
      while (true) {
        if (allMoved == null && moved(remaining, epochs) == remaining.size()) {
          allMoved = (System.nanoTime() - start) / 1e9;
        }
        if (!jobDone) {
          returned = api.returned(job.jid());
          jobDone = returned >= job.expected() || System.nanoTime() > jobDeadline;
        }
        if (jobDone && (allMoved != null || System.nanoTime() > epochDeadline)) {
          break;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } finally {
      sealStatus = probe.stop();
    }
    return new Result(
        remaining.size(), moved(remaining, epochs), allMoved, job.expected(), returned, sealStatus);
  }

  private static int moved(List<MinionDaemon> daemons, int[] epochs) {
    int moved = 0;
    for (int i = 0; i < epochs.length; i++) {
      if (daemons.get(i).publishEpoch() > epochs[i]) {
        moved++;
      }
    }
    return moved;
  }
}
