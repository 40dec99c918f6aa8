package io.brine.master.listener;

import io.brine.common.log.RefusalLog;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many minion connections the listener holds: at most {@code max_connections} in all, and at
 * most {@code max_unauthenticated_per_address} from one IP address that have not proved a minion
 * key yet. A connection beyond either is closed as it is accepted, with one throttled log line per
 * cause, so that strangers can neither take every file descriptor (the operator API and the vault
 * need some) nor crowd one address's worth of real minions out.
 *
 * <p>{@code max_connections} is, by default, what the process may open ({@code ulimit -n}) less
 * the descriptors kept for everything else: every connection the operator API may hold ({@code
 * api_max_connections}) plus {@link #BASE_RESERVE} for the JVM, the vault's, the key folder's and
 * the job cache's files. A larger configured value is lowered to it at start, with a warning.
 * Thread-safe.
 */
final class ConnectionLimits {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

  /**
   * Descriptors kept for the JVM (about 60 at rest: jars, the JDK's own), the vault, the key folder
   * and its watch, and the job cache, over and above the operator API's connections.
   */
  static final int BASE_RESERVE = 256;

  /** The cap when the platform does not say how many files the process may open. */
  static final int UNKNOWN_LIMIT_CAP = 100_000;

  private final int maxConnections;
  private final AddressQuota unauthenticated;
  private final AtomicInteger open = new AtomicInteger();
  private final RefusalLog overTotal;
  private final RefusalLog overAddress;

  /**
   * @param apiConnections connections the operator API may hold: their descriptors are kept
   * @param timer where the refusal lines' intervals end (the listener's event loops)
   */
  ConnectionLimits(
      int maxConnections,
      int maxUnauthenticatedPerAddress,
      int apiConnections,
      ScheduledExecutorService timer) {
    this.maxConnections =
        fitToDescriptors(maxConnections, maxOpenFiles(), BASE_RESERVE + apiConnections);
    this.unauthenticated = new AddressQuota(maxUnauthenticatedPerAddress);
    this.overTotal =
        new RefusalLog(
            log,
            "max_connections (" + this.maxConnections + ") reached: closed a new minion connection",
            RefusalLog.DEFAULT_INTERVAL,
            timer);
    this.overAddress =
        new RefusalLog(
            log,
            "max_unauthenticated_per_address reached: closed a new minion connection",
            RefusalLog.DEFAULT_INTERVAL,
            timer);
  }

  /** The cap in force (after lowering it to the descriptors the process has). */
  int maxConnections() {
    return maxConnections;
  }

  /**
   * Admits a new connection from {@code address} as unauthenticated.
   *
   * @return false when a cap is reached: close the connection (the line is logged here)
   */
  boolean admit(InetAddress address) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      overTotal.refused("from " + address.getHostAddress());
      return false;
    }
    if (!unauthenticated.tryAcquire(address)) {
      open.decrementAndGet();
      overAddress.refused("from " + address.getHostAddress());
      return false;
    }
    return true;
  }

  /** The connection proved its minion's key: it no longer counts as a stranger's. */
  void authenticated(InetAddress address) {
    unauthenticated.release(address);
  }

  /** An admitted connection closed. */
  void closed(InetAddress address, boolean wasAuthenticated) {
    if (!wasAuthenticated) {
      unauthenticated.release(address);
    }
    open.decrementAndGet();
  }

  /** Connections held now. */
  int open() {
    return open.get();
  }

  /** Unauthenticated connections {@code address} holds now. */
  int unauthenticated(InetAddress address) {
    return unauthenticated.held(address);
  }

  /**
   * @param configured {@code max_connections}; 0 means as many as the descriptors allow
   */
  static int fitToDescriptors(int configured, OptionalLong maxOpenFiles, int reserve) {
    if (maxOpenFiles.isEmpty()) {
      return configured == 0 ? UNKNOWN_LIMIT_CAP : configured;
    }
    int fits = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxOpenFiles.getAsLong() - reserve));
    if (configured == 0) {
      log.info(
          "minion connections capped at {}: this process may open {} files (ulimit -n), {} of"
              + " them kept for the operator API's connections and the master's files",
          fits,
          maxOpenFiles.getAsLong(),
          reserve);
      return fits;
    }
    if (configured <= fits) {
      return configured;
    }
    log.warn(
        "max_connections lowered from {} to {}: this process may open {} files (ulimit -n), and"
            + " {} are kept for the operator API and the master's files; raise LimitNOFILE to"
            + " serve more minions",
        configured,
        fits,
        maxOpenFiles.getAsLong(),
        reserve);
    return fits;
  }

  private static OptionalLong maxOpenFiles() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }
}
