package io.brine.cli.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for real processes to get somewhere: a liveness bound, never a timing assertion. */
public final class Await {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private Await() {}

  /** Polls {@code condition} for up to a minute; fails with both logs when it never holds. */
  public static void until(
      BooleanSupplier condition, MasterProcess master, MinionProcess minion, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean())
        .as("%s; minion log:%n%s%nmaster log:%n%s", what, minion.log(), master.log())
        .isTrue();
  }
}
