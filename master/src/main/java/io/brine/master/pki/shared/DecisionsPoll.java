package io.brine.master.pki.shared;

import io.brine.master.pki.KeyRules;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.MinionKeyStore;
import io.brine.protocol.MinionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedKeyStore#watchAccepted}: reads the decisions' history every {@link #INTERVAL} for
 * rows past the last it handled, so a key accepted, rejected, deleted or replaced on any master is
 * reported here within about a second: a row leaving accepted asks for a comparison, a row entering
 * it names the id. Polling needs no connection of its own (LISTEN would hold one outside the pool
 * for good) and cannot lose a notification.
 *
 * <p>History numbers come from a sequence, so a transaction may commit a lower number after a
 * higher one was read. A number missing below the highest read is waited for up to {@link
 * #GAP_GRACE} (a rolled-back change never fills it); and a full comparison is asked for every
 * {@link #COMPARE_EVERY} whatever the history says, so even a change missed that way costs a delay,
 * never a removal.
 */
final class DecisionsPoll implements MinionKeyStore.Watch {
  private static final Logger log = LoggerFactory.getLogger(DecisionsPoll.class);

  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration COMPARE_EVERY = Duration.ofSeconds(10);
  static final Duration GAP_GRACE = Duration.ofSeconds(5);

  /** History rows read per query; more are read at once when there are. */
  private static final int BATCH = 5_000;

  private static final String ACCEPTED = KeyRules.label(KeyStatus.ACCEPTED);

  private final DataSource db;
  private final MinionKeyStore.Watcher watcher;
  private final Thread thread;
  private volatile boolean closed;

  /** Every history number at or below it has been handled or given up on. */
  private long watermark;

  /** Numbers above the watermark already handled. */
  private final TreeSet<Long> handled = new TreeSet<>();

  /** The watermark at which the current gap was first seen, and when (nanoTime). */
  private long gapAt = -1;

  private long gapSince;
  private long lastCompare = System.nanoTime();
  private String lastFailure;

  private DecisionsPoll(DataSource db, MinionKeyStore.Watcher watcher, long watermark) {
    this.db = db;
    this.watcher = watcher;
    this.watermark = watermark;
    this.thread = new Thread(this::run, "brine-key-decisions-poll");
    this.thread.setDaemon(true);
  }

  /** Starts after the newest history row: what came before is the caller's first listing. */
  static DecisionsPoll start(DataSource db, MinionKeyStore.Watcher watcher) throws SqlFailure {
    long last;
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.LAST_DECISION);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      last = rs.getLong(1);
    } catch (SQLException e) {
      throw new SqlFailure(e);
    }
    DecisionsPoll poll = new DecisionsPoll(db, watcher, last);
    poll.thread.start();
    return poll;
  }

  private void run() {
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(INTERVAL.toNanos());
      } catch (InterruptedException e) {
        return;
      }
      Set<MinionId> written = new TreeSet<>();
      boolean compare;
      try {
        compare = poll(written);
        if (lastFailure != null) {
          log.info("minion key history readable again");
          lastFailure = null;
          compare = true; // whatever happened meanwhile
        }
      } catch (SQLException | RuntimeException e) {
        String failure = e.getMessage();
        if (!Objects.equals(failure, lastFailure)) { // one line per new reason, not one a second
          log.warn("cannot read the minion key history: {}", failure);
          log.debug("minion key history", e);
          lastFailure = failure;
        }
        continue;
      }
      long now = System.nanoTime();
      if (now - lastCompare >= COMPARE_EVERY.toNanos()) {
        compare = true;
      }
      if (compare) {
        lastCompare = now;
      }
      if (compare || !written.isEmpty()) {
        tell(written, compare);
      }
    }
  }

  /**
   * Reads the history past the watermark (so a number that was missing is read once it commits),
   * skipping what was handled; true when an accepted key may have gone.
   */
  private boolean poll(Set<MinionId> written) throws SQLException {
    boolean removal = false;
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(KeyTables.DECISIONS_AFTER)) {
      long after = watermark;
      int read;
      do {
        read = 0;
        s.setLong(1, after);
        s.setInt(2, BATCH);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            read++;
            after = rs.getLong(1);
            if (!handled.add(after)) {
              continue;
            }
            String id = rs.getString(2);
            removal |= ACCEPTED.equals(rs.getString(3));
            if (ACCEPTED.equals(rs.getString(4)) && id != null && MinionId.isValid(id)) {
              written.add(MinionId.of(id));
            }
          }
        }
      } while (read == BATCH);
    }
    advance(System.nanoTime());
    return removal;
  }

  /** Moves the watermark over what was handled, and over a gap older than the grace. */
  private void advance(long now) {
    while (!handled.isEmpty()) {
      if (handled.first() == watermark + 1) {
        handled.pollFirst();
        watermark++;
        continue;
      }
      if (gapAt != watermark) {
        gapAt = watermark;
        gapSince = now;
        return;
      }
      if (now - gapSince < GAP_GRACE.toNanos()) {
        return;
      }
      watermark = handled.first() - 1; // a rolled-back change; the comparison covers the rest
    }
  }

  private void tell(Set<MinionId> written, boolean compare) {
    try {
      watcher.changed(written, compare);
    } catch (RuntimeException e) {
      log.debug("accepted keys watcher failed", e); // the watcher logs its own failures
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
