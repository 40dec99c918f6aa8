package io.brine.minion.daemon;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Salt's {@code master_alive_interval} for one connection: a master that has sent nothing for half
 * the interval while it owes the minion something is asked for a sign of life (a {@code ping} call,
 * docs/protocol.md §5.2), and one still silent when the whole interval is over is given up on. So
 * a dead, paused or cut-off master is left within the interval, however quiet the fleet is, and a
 * busy one is never asked, since every frame counts as a sign of life.
 *
 * <p>The master owes something while a HELLO is out (its answer) and in a session (the answer to
 * a ping); while the minion waits to re-send a HELLO after a refusal the master owes nothing and
 * the check rests. One timer per connection, re-armed at most twice per interval, whatever the
 * traffic: {@link #heard} only notes the time. Runs on the connection's event loop only.
 */
final class AliveCheck {
  private final EventExecutor loop;
  private final long intervalNanos;
  private final BooleanSupplier ping;
  private final Consumer<String> giveUp;
  private long lastHeard;
  private boolean expecting;
  private boolean pinged;
  private ScheduledFuture<?> timer;

  /**
   * @param ping sends the sign-of-life call; false when the connection cannot send one now (a
   *     HELLO is out: only its answer may come next)
   * @param giveUp closes the connection, with the reason for the log line
   */
  AliveCheck(EventExecutor loop, Duration interval, BooleanSupplier ping, Consumer<String> giveUp) {
    this.loop = loop;
    this.intervalNanos = interval.toNanos();
    this.ping = ping;
    this.giveUp = giveUp;
  }

  /** A frame arrived. */
  void heard() {
    lastHeard = System.nanoTime();
    pinged = false;
  }

  /** The master owes an answer from now on: the silence is counted from here. */
  void expect() {
    heard();
    expecting = true;
    if (timer == null) {
      arm(intervalNanos / 2);
    }
  }

  /** The master owes nothing until the minion sends again. */
  void rest() {
    expecting = false;
    stop();
  }

  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void arm(long delayNanos) {
    timer = loop.schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!expecting) {
      return;
    }
    long silent = System.nanoTime() - lastHeard;
    if (silent >= intervalNanos) {
      giveUp.accept("sent nothing in " + Duration.ofNanos(intervalNanos).toSeconds() + " s");
      return;
    }
    if (silent >= intervalNanos / 2 && !pinged) {
      pinged = ping.getAsBoolean();
    }
    long due = silent >= intervalNanos / 2 ? intervalNanos : intervalNanos / 2;
    arm(due - silent);
  }
}
