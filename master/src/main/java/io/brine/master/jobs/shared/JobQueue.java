package io.brine.master.jobs.shared;

import io.brine.common.log.LogText;
import io.brine.crypto.aead.Aead;
import io.brine.master.jobs.Jid;
import io.brine.master.jobs.JobStoreUnavailableException;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a job published on one master to every other master of the cluster, which hands it to
 * the minions connected there.
 *
 * <p>{@link #publish} inserts the job into {@code brine_job_queue} and sends {@code NOTIFY
 * brine_jobs, '<seq>'} in the same transaction, so the notification goes out exactly when the row
 * is there to read. Each master LISTENs on a connection of its own (never a pooled one: a pool
 * would hand it to another user, or retire it, and its LISTEN with it), and also polls every
 * second for rows past the last one it delivered. A notification is only a hint: PostgreSQL keeps
 * none for a connection that is down, so a lost one, or a LISTEN connection that dropped (it is
 * opened again with backoff), delays a job by at most the poll's second and never loses it.
 *
 * <p>Order and exactly once: inserts take the queue's table lock before drawing their {@code seq},
 * so rows commit in {@code seq} order and a reader that has seen {@code seq} n has seen every row
 * below it; each master keeps the last {@code seq} it delivered, and so delivers each job once, in
 * order, to its {@code Consumer<QueuedJob>} (on the queue's poll thread: a slow consumer delays
 * the next jobs, never loses them). A master skips the jobs it published itself. A master that
 * opens the queue starts after the newest row: the jobs before it were handed to the minions
 * connected then.
 *
 * <p>The payload is sealed with the {@link Aead} under associated data naming the row ({@code
 * seq}, jid, origin): a writer of the database can neither read a queued job nor replay it under
 * a new row. Old rows are removed by {@link #purge}, which the master runs with the job store's.
 */
public final class JobQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

  /** The channel of the NOTIFY; its payload is the new row's {@code seq}. */
  public static final String CHANNEL = "brine_jobs";

  /** How far apart the polls are: the longest a lost notification delays a job. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  /** Rows read per query; a longer backlog is read in several. */
  static final int POLL_ROWS = 256;

  /** Jids delivered lately: the same job queued twice (a publisher retrying) is delivered once. */
  private static final int RECENT_JIDS = 4_096;

  private static final String APPLICATION_NAME = "brine job queue";

  /** How long the listen thread waits for a notification before it looks whether it should stop. */
  private static final int LISTEN_WAIT_MILLIS = 500;

  /** Opens a connection of its own, outside any pool, for LISTEN. */
  @FunctionalInterface
  public interface Connector {
    Connection connect() throws SQLException;
  }

  /**
   * The queue's timings. {@code poll}: between two polls; {@code reconnectMin}/{@code
   * reconnectMax}: the backoff of the LISTEN connection; {@code listenCheck}: how often a quiet
   * LISTEN connection is checked, so a half-open one (the server gone without a word) is noticed.
   */
  record Timing(
      Duration poll, Duration reconnectMin, Duration reconnectMax, Duration listenCheck) {
    static final Timing DEFAULT =
        new Timing(
            POLL_INTERVAL, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private final DataSource db;
  private final Connector listen;
  private final RowCipher cipher;
  private final String origin;
  private final Consumer<QueuedJob> deliver;
  private final Timing timing;
  private volatile WriteFence fence;
  private final Semaphore wake = new Semaphore(0);
  private final Thread poller;
  private final Thread listener;
  private final Map<String, Boolean> recentJids =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > RECENT_JIDS;
        }
      };

  /** The last seq delivered (or skipped); only the poll thread writes it. */
  private volatile long last;

  private volatile boolean closed;
  private volatile Connection listening;

  /** Whether the last poll failed, so an outage is one line, not one a second. */
  private boolean pollFailing;

  private JobQueue(
      DataSource db,
      Connector listen,
      Aead aead,
      WriteFence fence,
      String origin,
      Consumer<QueuedJob> deliver,
      Timing timing,
      long last) {
    this.db = db;
    this.listen = listen;
    this.cipher = new RowCipher(aead);
    this.fence = fence;
    this.origin = origin;
    this.deliver = deliver;
    this.timing = timing;
    this.last = last;
    this.poller = new Thread(this::pollLoop, "brine-job-queue-poll");
    this.listener = new Thread(this::listenLoop, "brine-job-queue-listen");
    poller.setDaemon(true);
    listener.setDaemon(true);
  }

  /**
   * Opens the queue (creating its table when missing) and starts delivering the jobs other
   * masters publish from now on.
   *
   * @param db the pool, for publishing and polling
   * @param listen opens the LISTEN connection, outside the pool
   * @param aead seals the payloads; the same key on every master of the cluster
   * @param fence checked in the transaction of each {@link #publish}; {@link WriteFence#NONE}
   *     without HA; {@link #fence(WriteFence)} replaces it
   * @param origin this master's name in the queue (unique in the cluster, at most 255 characters):
   *     the jobs it publishes carry it, and it skips them
   * @param deliver takes each job another master published, once, in order
   * @throws DatabaseUnavailableException when the database cannot be reached
   */
  public static JobQueue open(
      DataSource db,
      Connector listen,
      Aead aead,
      WriteFence fence,
      String origin,
      Consumer<QueuedJob> deliver)
      throws IOException {
    return open(db, listen, aead, fence, origin, deliver, Timing.DEFAULT);
  }

  static JobQueue open(
      DataSource db,
      Connector listen,
      Aead aead,
      WriteFence fence,
      String origin,
      Consumer<QueuedJob> deliver,
      Timing timing)
      throws IOException {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(aead, "aead");
    Objects.requireNonNull(fence, "fence");
    Objects.requireNonNull(deliver, "deliver");
    if (origin == null || origin.isEmpty() || origin.length() > 255) {
      throw new IllegalArgumentException("a queue's origin is 1 to 255 characters");
    }
    JobTables.ensureQueueTable(db);
    long newest;
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(max(seq), 0) FROM " + JobTables.QUEUE)) {
      rs.next();
      newest = rs.getLong(1);
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot read the job queue", e);
    }
    JobQueue queue = new JobQueue(db, listen, aead, fence, origin, deliver, timing, newest);
    queue.listener.start();
    queue.poller.start();
    return queue;
  }

  public String origin() {
    return origin;
  }

  /** The fence {@link #publish} checks from now on (the HA lock's, once this master is active). */
  public void fence(WriteFence fence) {
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  /**
   * Queues a job for the other masters: the row and its NOTIFY in one transaction.
   *
   * @param payload what the other masters need to publish it to their minions; sealed here
   * @return the job's {@code seq}
   * @throws FencedJobWriteException when this master may not publish (not active)
   * @throws DatabaseUnavailableException when the database cannot be reached
   */
  public long publish(String jid, byte[] payload) throws IOException {
    if (!Jid.isValid(jid)) {
      throw new IllegalArgumentException("not a job id (20 digits YYYYmmddHHMMSSffffff)");
    }
    Objects.requireNonNull(payload, "payload");
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        fence.check(c);
        s.execute("SET LOCAL lock_timeout = '10s'");
        // Drawn under the lock, seqs commit in order: see the class comment.
        s.execute("LOCK TABLE " + JobTables.QUEUE + " IN EXCLUSIVE MODE");
        long seq;
        try (ResultSet rs =
            s.executeQuery(
                "SELECT nextval(pg_get_serial_sequence('" + JobTables.QUEUE + "', 'seq'))")) {
          rs.next();
          seq = rs.getLong(1);
        }
        byte[] sealed = cipher.seal(payload, RowCipher.queued(seq, jid, origin));
        try (PreparedStatement insert =
                c.prepareStatement(
                    "INSERT INTO " + JobTables.QUEUE + " (seq, jid, origin, payload)"
                        + " VALUES (?, ?, ?, ?)");
            PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          insert.setLong(1, seq);
          insert.setString(2, jid);
          insert.setString(3, origin);
          insert.setBytes(4, sealed);
          insert.executeUpdate();
          notify.setString(1, CHANNEL);
          notify.setString(2, Long.toString(seq));
          notify.executeQuery().close();
        }
        c.commit();
        return seq;
      } catch (FencedWriteException e) {
        Transactions.rollbackQuietly(c);
        throw new FencedJobWriteException(e);
      } catch (SQLException | IOException | RuntimeException e) {
        Transactions.rollbackQuietly(c);
        throw e;
      } finally {
        Transactions.restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot queue job " + jid, e);
    }
  }

  /**
   * Removes the rows queued more than {@code olderThan} ago (by the database's clock). Any master
   * may run it; a master that was away from the database longer than that misses those jobs,
   * which its minions would refuse as too old by then anyway.
   *
   * @return how many rows were removed
   */
  public int purge(Duration olderThan) throws IOException {
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("a purge's age must not be negative");
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM " + JobTables.QUEUE
                    + " WHERE created < now() - make_interval(secs => ?)")) {
      ps.setDouble(1, olderThan.toMillis() / 1000.0);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot purge the job queue", e);
    }
  }

  // ---- receiving: the poll thread reads and delivers, the listen thread only wakes it ----

  private void pollLoop() {
    while (!closed) {
      try {
        if (wake.tryAcquire(timing.poll().toMillis(), TimeUnit.MILLISECONDS)) {
          wake.drainPermits(); // a burst of notifications is one poll
        }
      } catch (InterruptedException e) {
        return;
      }
      if (!closed) {
        pollOnce();
      }
    }
  }

  /** Reads and delivers every row past {@link #last}; an outage is logged once. */
  private void pollOnce() {
    try {
      int read;
      do {
        read = readBatch();
      } while (read == POLL_ROWS && !closed);
      if (pollFailing) {
        pollFailing = false;
        log.info("job queue: delivering again, from seq {}", last + 1);
      }
    } catch (SQLException e) {
      pollFailed(SqlFailures.describe("cannot read the job queue", e));
    } catch (JobStoreUnavailableException e) {
      // The key is not loaded (sealed, or a standby before the active made it): the rows wait,
      // and are delivered once it is.
      pollFailed(e);
    }
  }

  private void pollFailed(IOException failure) {
    if (!pollFailing) {
      pollFailing = true;
      log.warn("job queue: {}; polling on", failure.getMessage());
    }
    log.debug("job queue poll", failure);
  }

  private int readBatch() throws SQLException, JobStoreUnavailableException {
    int read = 0;
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, jid, origin, created, payload FROM " + JobTables.QUEUE
                    + " WHERE seq > ? ORDER BY seq LIMIT " + POLL_ROWS)) {
      ps.setLong(1, last);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && !closed) {
          read++;
          long seq = rs.getLong(1);
          String jid = rs.getString(2);
          String from = rs.getString(3);
          if (!origin.equals(from)) {
            open(seq, jid, from, rs.getObject(4, OffsetDateTime.class), rs.getBytes(5))
                .ifPresent(this::handOver);
          }
          last = seq; // delivered or skipped: never again
        }
      }
    }
    return read;
  }

  private Optional<QueuedJob> open(
      long seq, String jid, String from, OffsetDateTime created, byte[] sealed)
      throws JobStoreUnavailableException {
    if (!Jid.isValid(jid) || from == null || created == null || sealed == null) {
      log.warn("job queue: row seq {} is not a queued job; skipped", seq);
      return Optional.empty();
    }
    Optional<byte[]> payload = cipher.open(sealed, RowCipher.queued(seq, jid, from));
    if (payload.isEmpty()) {
      log.warn(
          "job queue: row seq {} (job {} from {}) does not open (tampered with, moved from another"
              + " row, or sealed under another key); skipped",
          seq,
          jid,
          LogText.escape(from, 255));
      return Optional.empty();
    }
    synchronized (recentJids) {
      if (recentJids.put(jid, Boolean.TRUE) != null) {
        log.info("job queue: job {} queued again (seq {}); delivered once", jid, seq);
        return Optional.empty();
      }
    }
    return Optional.of(new QueuedJob(seq, jid, from, created.toInstant(), payload.get()));
  }

  private void handOver(QueuedJob job) {
    try {
      deliver.accept(job);
    } catch (RuntimeException e) {
      log.warn("job queue: delivering job {} failed: {}", job.jid(), e.toString());
      log.debug("job queue delivery", e);
    }
  }

  private void listenLoop() {
    Duration backoff = timing.reconnectMin();
    boolean failing = false;
    long lastCheck = System.nanoTime();
    while (!closed) {
      Connection c = listening;
      try {
        if (c == null) {
          c = connectAndListen();
          listening = c;
          lastCheck = System.nanoTime();
          backoff = timing.reconnectMin();
          if (failing) {
            failing = false;
            log.info("job queue: listening again");
          }
          wake.release(); // notifications while it was down are lost: poll now
        }
        PGNotification[] notes =
            c.unwrap(PGConnection.class).getNotifications(LISTEN_WAIT_MILLIS);
        if (notes != null && notes.length > 0) {
          wake.release();
        } else if (System.nanoTime() - lastCheck > timing.listenCheck().toNanos()) {
          lastCheck = System.nanoTime();
          if (!c.isValid(5)) {
            throw new SQLException("the LISTEN connection does not answer", "08006");
          }
        }
      } catch (SQLException e) {
        if (closed) {
          break;
        }
        closeQuietly(listening);
        listening = null;
        if (!failing) {
          failing = true;
          log.warn(
              "job queue: not listening ({}); polling every {} ms meanwhile",
              SqlFailures.describe("LISTEN failed", e).getMessage(),
              timing.poll().toMillis());
        }
        log.debug("job queue listen", e);
        if (!sleep(backoff)) {
          break;
        }
        backoff = min(backoff.multipliedBy(2), timing.reconnectMax());
      }
    }
    closeQuietly(listening);
    listening = null;
  }

  private Connection connectAndListen() throws SQLException {
    Connection c = listen.connect();
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(true); // LISTEN takes effect at commit
      // Named, so an operator (or a test) finds it in pg_stat_activity (63 characters kept).
      try (PreparedStatement name =
          c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
        name.setString(1, applicationName(origin));
        name.executeQuery().close();
      }
      s.execute("LISTEN " + CHANNEL);
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("job queue: closing a connection", e);
    }
  }


  /** The application_name of the LISTEN connection of {@code origin}'s queue. */
  static String applicationName(String origin) {
    return APPLICATION_NAME + " " + origin;
  }

  /** Stops delivering and closes the LISTEN connection; the pool stays open. */
  @Override
  public void close() {
    closed = true;
    wake.release();
    listener.interrupt();
    join(poller);
    join(listener);
    closeQuietly(listening);
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
