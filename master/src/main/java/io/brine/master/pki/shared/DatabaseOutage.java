package io.brine.master.pki.shared;

import io.brine.master.pki.KeysUnavailable;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the handshakes last found out about the database: unreachable, for a moment. Without it,
 * every HELLO during an outage holds a handshake thread for the pool's whole wait (the URL's
 * connect_timeout, 5 s by default) before it is answered SEALED: with a few threads and a fleet
 * failing over, most HELLOs would wait past the minion's 30 s answer timeout instead. So while
 * the finding is fresh ({@link #RECHECK}), or while one handshake is finding out whether the
 * database is back (the probe: one at a time), the others are answered from the finding at once.
 * A database that answers anything clears it. Thread-safe.
 */
final class DatabaseOutage {
  /** How long a finding is taken as true before the next handshake asks the database again. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private final LongSupplier nanoClock;
  private KeysUnavailable finding;
  private long foundAt;
  private boolean probing;

  DatabaseOutage(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Before a handshake's reads.
   *
   * @return whether the caller is the probe (it must pass that to {@link #after})
   * @throws KeysUnavailable the finding again, with no cause: the database was not asked
   */
  synchronized boolean before() throws KeysUnavailable {
    if (finding == null) {
      return false;
    }
    if (probing || nanoClock.getAsLong() - foundAt < RECHECK.toNanos()) {
      throw new KeysUnavailable(finding.getMessage(), finding.answer(), null);
    }
    probing = true;
    return true;
  }

  /**
   * After a handshake's reads that {@link #before} let through.
   *
   * @param unreachable what it met when the database could not be reached; null when it answered
   */
  synchronized void after(boolean probe, KeysUnavailable unreachable) {
    if (probe) {
      probing = false;
    }
    finding = unreachable;
    if (unreachable != null) {
      foundAt = nanoClock.getAsLong();
    }
  }
}
