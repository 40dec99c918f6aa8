package io.brine.bench.attack;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs attacks concurrently, each on its own thread at its own rate (attempts a second, paced from
 * the start so a slow attempt is caught up rather than lost), until {@link #stop}. An attempt's
 * exception is one outcome too: a refused connect is what a capped listener may do, any other
 * failure is counted by its kind.
 */
final class RatedAttacks {
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  /** Starts {@code attack} at {@code perSecond} attempts a second; 0 does not start it. */
  void start(Attack attack, double perSecond) {
    if (perSecond <= 0) {
      return;
    }
    long period = (long) (1e9 / perSecond);
    Thread t =
        new Thread(
            () -> {
              long next = System.nanoTime();
              while (!stopping) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                  continue;
                }
                // Behind by more than a second: skip ahead, the rate is a ceiling, not a debt.
                next = Math.max(next + period, System.nanoTime() - 1_000_000_000L);
                attack.outcomes().attempt();
                try {
                  attack.attempt();
                } catch (ConnectException e) {
                  attack.outcomes().count("refused (connect failed)");
                } catch (Exception e) {
                  attack.outcomes().count(failure(e));
                }
              }
            },
            "soak-" + attack.outcomes().attack());
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Stops every attack and waits for its current attempt, at most {@code limit} in all. */
  void stop(Duration limit) throws InterruptedException {
    stopping = true;
    long end = System.nanoTime() + limit.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }
  }

  /** An attempt that failed on our side of the wire, by kind ("closed: SocketException", ...). */
  static String failure(Exception e) {
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.io.EOFException || e instanceof java.net.SocketException) {
      return "closed (" + kind + ")";
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return "no answer within the read timeout";
    }
    return "attacker error: " + kind.toLowerCase(Locale.ROOT);
  }
}
