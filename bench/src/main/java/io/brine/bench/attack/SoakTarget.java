package io.brine.bench.attack;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The master under attack, as the attackers see it: its two ports, the timeouts it was started
 * with (which say when it must close a stranger's connection), and the watcher of held
 * connections they share.
 */
record SoakTarget(
    InetSocketAddress minionPort, InetSocketAddress api, Timeouts timeouts, HeldConnections held) {

  /** The master's timeouts for unauthenticated peers, as its master.yaml sets them. */
  record Timeouts(
      Duration hello, Duration confirm, Duration partialFrame, Duration httpReadHeader) {
    /** The master's defaults (docs/protocol.md §3.1, docs/operator-guide.md). */
    static final Timeouts DEFAULTS =
        new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    static Timeouts all(Duration d) {
      return new Timeouts(d, d, d, d);
    }

    /** The longest, for waiting out every held connection at the end. */
    Duration longest() {
      Duration max = hello;
      for (Duration d : new Duration[] {confirm, partialFrame, httpReadHeader}) {
        max = d.compareTo(max) > 0 ? d : max;
      }
      return max;
    }
  }
}
