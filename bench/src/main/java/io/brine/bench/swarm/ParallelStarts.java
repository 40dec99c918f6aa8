package io.brine.bench.swarm;

import io.brine.minion.daemon.MinionDaemon;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts the simulated minions on a few threads. A minion's start reads its key files and makes
 * its jid memory durable (two fsyncs, about a millisecond here); one after another, 10,000 starts
 * took longer than the storm they were meant to make, and a real fleet starts on its own hosts,
 * all at once.
 */
final class ParallelStarts {
  /** Starts wait on fsync, not on a core: more threads than cores. */
  static final int THREADS = 8;

  /** Starts minion {@code i} of {@code n}. */
  @FunctionalInterface
  interface Start {
    MinionDaemon start(int i) throws Exception;
  }

  private ParallelStarts() {}

  /** Minions 0 to n-1, in index order; the first failure is thrown once all have finished. */
  static List<MinionDaemon> startAll(int n, Start start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "swarm-start");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<MinionDaemon>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> start.start(index)));
      }
      List<MinionDaemon> started = new ArrayList<>(n);
      Exception first = null;
      for (Future<MinionDaemon> f : futures) {
        try {
          started.add(f.get());
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof Exception ex ? ex : e;
          }
        }
      }
      if (first != null) {
        started.forEach(MinionDaemon::close);
        throw first;
      }
      return started;
    } finally {
      pool.shutdownNow();
    }
  }
}
