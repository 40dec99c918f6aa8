package io.brine.master.jobs.shared;

import io.brine.crypto.aead.Aead;
import io.brine.master.jobs.AddResult;
import io.brine.master.jobs.Jid;
import io.brine.master.jobs.JobJson;
import io.brine.master.jobs.JobRecord;
import io.brine.master.jobs.JobReturn;
import io.brine.master.jobs.JobStore;
import io.brine.master.jobs.JobView;
import io.brine.master.jobs.RecentJobs;
import io.brine.master.jobs.RecentJobs.Known;
import io.brine.protocol.MinionId;
import io.brine.vault.storage.postgresql.FencedWriteException;
import io.brine.vault.storage.postgresql.WriteFence;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job cache of a cluster of masters, in PostgreSQL ({@link JobTables}): every master stores
 * the returns of the minions connected to it, and every master's API sees every job and return.
 * It answers as {@link io.brine.master.jobs.JobCache} does: one return per (job, minion), the
 * first wins, the same one again is {@link AddResult#ALREADY_STORED}, a different one {@link
 * AddResult#CONFLICTING}; expiry by {@code keep_jobs} (the time in the jid) and {@code max_jobs}.
 *
 * <p>What the database sees: jids, times, minion ids and counts in columns; a job's function,
 * arguments and target and a return's data as {@link Aead} ciphertext whose associated data names
 * the row ({@link RowCipher}). A row that does not open (tampered with, moved, another key) is
 * logged and skipped, as the file cache skips a damaged file.
 *
 * <p>Writes: {@link #create} is a write only the active master makes (jobs are published through
 * the operator API), so it runs the {@link WriteFence} in its transaction; returns are stored by
 * every master, unfenced, through a {@link ReturnInserter} with group commit: an acknowledged
 * return is committed. {@link #purgeExpired} may run on any master: deleting what expired twice
 * deletes it once.
 *
 * <p>Failures: an unreachable database is a {@link DatabaseUnavailableException} (one line); a
 * refused fence a {@link FencedJobWriteException}. Thread-safe. The {@link DataSource} is the
 * caller's: {@link #close} stops the writers and leaves the pool open.
 */
public final class SharedJobCache implements JobStore {
  private static final Logger log = LoggerFactory.getLogger(SharedJobCache.class);

  /** Writer threads, each with its own transaction in flight: one commits while one fills. */
  static final int WRITERS = 2;

  /** Jobs by jid recently returned to, so each of 10,000 returns does not read and open its job. */
  private static final int RECENT_JOBS = 128;

  private final DataSource db;
  private final RowCipher cipher;
  private final int maxJobs;
  private final Duration keepJobs;
  private final Clock clock;
  private final ReturnInserter inserter;
  private volatile WriteFence fence;
  private final RecentJobs recent = new RecentJobs(RECENT_JOBS);

  private SharedJobCache(
      DataSource db, Aead aead, WriteFence fence, int maxJobs, Duration keepJobs, Clock clock) {
    this.db = db;
    this.cipher = new RowCipher(aead);
    this.fence = fence;
    this.maxJobs = maxJobs;
    this.keepJobs = keepJobs;
    this.clock = clock;
    this.inserter = new ReturnInserter(db, this::settle, WRITERS);
  }

  /**
   * Opens the job cache in {@code db}, creating its tables when missing, and removes what has
   * expired.
   *
   * @param aead seals what jobs and returns say; the same key on every master of the cluster
   * @param fence checked in the transaction of each {@link #create}; {@link WriteFence#NONE} for
   *     a master without HA. {@link #fence(WriteFence)} replaces it as the HA lock changes hands.
   * @throws DatabaseUnavailableException when the database cannot be reached
   */
  public static SharedJobCache open(
      DataSource db, Aead aead, WriteFence fence, int maxJobs, Duration keepJobs, Clock clock)
      throws IOException {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(aead, "aead");
    Objects.requireNonNull(fence, "fence");
    Objects.requireNonNull(clock, "clock");
    if (maxJobs < 1) {
      throw new IllegalArgumentException("max_jobs is " + maxJobs + "; it must be at least 1");
    }
    if (keepJobs == null || keepJobs.isNegative() || keepJobs.isZero()) {
      throw new IllegalArgumentException("keep_jobs must be a positive duration, not " + keepJobs);
    }
    JobTables.ensureJobTables(db);
    SharedJobCache cache = new SharedJobCache(db, aead, fence, maxJobs, keepJobs, clock);
    try {
      int removed = cache.purgeExpired();
      if (removed > 0) {
        log.info("job store: removed {} expired jobs at start", removed);
      }
      return cache;
    } catch (IOException | RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  /** The fence {@link #create} checks from now on (the HA lock's, once this master is active). */
  public void fence(WriteFence fence) {
    this.fence = Objects.requireNonNull(fence, "fence");
  }

  /**
   * @throws FileAlreadyExistsException when a job with this jid is already stored
   * @throws FencedJobWriteException when this master may not create jobs (not active)
   */
  @Override
  public void create(JobRecord job) throws IOException {
    String jid = job.jid();
    byte[] sealed = cipher.seal(JobJson.write(job), RowCipher.job(jid));
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        fence.check(c);
        int added;
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + JobTables.JOBS + " (jid, started, minions, missing, job)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (jid) DO NOTHING")) {
          ps.setString(1, jid);
          ps.setObject(2, OffsetDateTime.ofInstant(job.started(), ZoneOffset.UTC));
          ps.setArray(3, ids(c, job.minions()));
          ps.setArray(4, ids(c, job.missing()));
          ps.setBytes(5, sealed);
          added = ps.executeUpdate();
        }
        if (added == 0) {
          Transactions.rollbackQuietly(c);
          throw new FileAlreadyExistsException(jid, null, "job " + jid + " already exists");
        }
        c.commit();
      } catch (FencedWriteException e) {
        Transactions.rollbackQuietly(c);
        throw new FencedJobWriteException(e);
      } catch (SQLException | RuntimeException e) {
        Transactions.rollbackQuietly(c);
        throw e;
      } finally {
        Transactions.restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot store job " + jid, e);
    }
    recent.remember(new Known(job));
  }

  /**
   * Completes once the return is committed. Checks the job and its targets on the calling thread
   * (reading the job when it is not among the recent ones); may block when the writers' queue is
   * full.
   */
  @Override
  public CompletableFuture<AddResult> addReturnAsync(String jid, JobReturn ret) {
    Objects.requireNonNull(ret, "ret");
    if (!Jid.isValid(jid)) {
      return CompletableFuture.completedFuture(AddResult.UNKNOWN_JOB);
    }
    try {
      Optional<Known> job = recentOrLoad(jid);
      if (job.isEmpty()) {
        return CompletableFuture.completedFuture(AddResult.UNKNOWN_JOB);
      }
      if (!job.get().targets().contains(ret.id())) {
        return CompletableFuture.completedFuture(AddResult.NOT_TARGETED);
      }
      byte[] sealed = cipher.seal(JobJson.write(ret), RowCipher.jobReturn(jid, ret.id().value()));
      return inserter.insert(jid, ret, sealed);
    } catch (IOException | IllegalArgumentException e) { // IAE: a return value that is not JSON
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A return that added no row: the same one stored before, another one, or its job gone. */
  private AddResult settle(Connection c, ReturnInserter.Pending p)
      throws SQLException, IOException {
    String minion = p.ret().id().value();
    byte[] stored;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT ret FROM " + JobTables.RETURNS + " WHERE jid = ? AND minion = ?")) {
      ps.setString(1, p.jid());
      ps.setString(2, minion);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          recent.forget(p.jid());
          return AddResult.UNKNOWN_JOB; // removed since it was checked
        }
        stored = rs.getBytes(1);
      }
    }
    Optional<JobReturn> first = openReturn(p.jid(), minion, stored);
    if (first.isEmpty()) {
      log.warn(
          "job store: job {}: the stored return of minion {} does not open; the new one is"
              + " refused and the row kept",
          p.jid(),
          minion);
      return AddResult.CONFLICTING;
    }
    return MessageDigest.isEqual(JobJson.contentDigest(first.get()), JobJson.contentDigest(p.ret()))
        ? AddResult.ALREADY_STORED
        : AddResult.CONFLICTING;
  }

  @Override
  public Optional<JobView> find(String jid) throws IOException {
    if (!Jid.isValid(jid)) {
      return Optional.empty();
    }
    try (Connection c = db.getConnection()) {
      // The job row, not the recent one: another master may have purged it.
      Optional<Known> job = load(c, jid);
      if (job.isEmpty()) {
        return Optional.empty();
      }
      Map<MinionId, JobReturn> returns = new HashMap<>();
      int skipped = 0;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT minion, ret FROM " + JobTables.RETURNS + " WHERE jid = ? ORDER BY minion")) {
        ps.setString(1, jid);
        ps.setFetchSize(1_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Optional<JobReturn> ret = openReturn(jid, rs.getString(1), rs.getBytes(2));
            if (ret.isPresent() && job.get().targets().contains(ret.get().id())) {
              returns.put(ret.get().id(), ret.get());
            } else {
              skipped++;
            }
          }
        }
      }
      if (skipped > 0) {
        log.warn("job store: job {}: skipped {} return(s) that do not open or were not targeted",
            jid, skipped);
      }
      return Optional.of(new JobView(job.get().job(), returns));
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot read job " + jid, e);
    }
  }

  @Override
  public OptionalInt returnedCount(String jid) throws IOException {
    if (!Jid.isValid(jid)) {
      return OptionalInt.empty();
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM " + JobTables.JOBS + " WHERE jid = ?),"
                    + " (SELECT count(*) FROM " + JobTables.RETURNS + " WHERE jid = ?)")) {
      ps.setString(1, jid);
      ps.setString(2, jid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1) ? OptionalInt.of(rs.getInt(2)) : OptionalInt.empty();
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot count the returns of job " + jid, e);
    }
  }

  @Override
  public List<JobRecord> list() throws IOException {
    return list(Integer.MAX_VALUE);
  }

  @Override
  public List<JobRecord> list(int limit) throws IOException {
    if (limit < 1) {
      return List.of();
    }
    List<JobRecord> jobs = new ArrayList<>();
    int skipped = 0;
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT jid, job FROM " + JobTables.JOBS + " ORDER BY jid DESC LIMIT ?")) {
      ps.setLong(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Optional<JobRecord> job = openJob(rs.getString(1), rs.getBytes(2));
          if (job.isPresent()) {
            jobs.add(job.get());
          } else {
            skipped++;
          }
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot list the jobs", e);
    }
    if (skipped > 0) {
      log.warn("job store: skipped {} job(s) that do not open", skipped);
    }
    return jobs;
  }

  /**
   * The newest jobs, at most {@code limit}, queued within {@code within} before now (the
   * database's clock), that targeted {@code minion} and have no return from it yet: what a master
   * hands again to a minion that connects to it, which may have been between masters when they
   * were published. Newest first. Reads the job queue ({@link JobQueue}'s table) for the
   * publications, so it answers only where the queue is open too, as on every master of a
   * cluster.
   *
   * <p>One query, driven by the queue's index on {@code created} (the window holds a few seconds
   * of jobs), each candidate's job found by its primary key and its return looked up by the
   * returns' one. The {@code minions} column only narrows the candidates: what a job admitted is
   * what its sealed record says, which the caller checks ({@code minions} in clear could have been
   * written by anyone who can write the database). A row that does not open is logged and left
   * out.
   *
   * @throws DatabaseUnavailableException when the database cannot be reached
   * @throws io.brine.master.jobs.JobStoreUnavailableException when the data key is not loaded
   */
  public List<UnreturnedJob> unreturned(MinionId minion, Duration within, int limit)
      throws IOException {
    Objects.requireNonNull(minion, "minion");
    if (within.isNegative() || within.isZero() || limit < 1) {
      return List.of();
    }
    List<UnreturnedJob> found = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT q.seq, q.jid, q.origin, q.payload,"
                    + " extract(epoch FROM now() - q.created)"
                    + " FROM " + JobTables.QUEUE + " q"
                    + " JOIN " + JobTables.JOBS + " j ON j.jid = q.jid"
                    + " WHERE q.created > now() - make_interval(secs => ?)"
                    + " AND j.minions @> ARRAY[?::text]"
                    + " AND NOT EXISTS (SELECT 1 FROM " + JobTables.RETURNS + " r"
                    + " WHERE r.jid = q.jid AND r.minion = ?)"
                    + " ORDER BY q.created DESC, q.seq DESC LIMIT ?")) {
      ps.setDouble(1, within.toMillis() / 1000.0);
      ps.setString(2, minion.value());
      ps.setString(3, minion.value());
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unreturned(c, rs).ifPresent(found::add);
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot read the recent jobs of minion " + minion, e);
    }
    return found;
  }

  /**
   * One row of {@link #unreturned}, opened; empty (logged) when its job or payload does not. The
   * job's record comes from the recent jobs when they hold it: when a master dies, a third of the
   * fleet connects to the others within seconds, and each look-up would otherwise read and open
   * the same few records, each listing every targeted minion (half a megabyte per look-up at
   * 10,000 minions, which kept a swarm's returns waiting behind the look-ups for 30 s).
   */
  private Optional<UnreturnedJob> unreturned(Connection c, ResultSet rs)
      throws SQLException, IOException {
    long seq = rs.getLong(1);
    String jid = rs.getString(2);
    String origin = rs.getString(3);
    Optional<Known> known = recent.get(jid);
    if (known.isEmpty()) {
      known = load(c, jid);
      known.ifPresent(recent::remember);
    }
    Optional<JobRecord> job = known.map(Known::job);
    Optional<byte[]> publication =
        job.isEmpty() || origin == null
            ? Optional.empty()
            : cipher.open(rs.getBytes(4), RowCipher.queued(seq, jid, origin));
    if (publication.isEmpty()) {
      log.warn("job store: skipping job {} (queue seq {}): its row does not open (tampered with,"
          + " moved from another row, or sealed under another key)", jid, seq);
      return Optional.empty();
    }
    Duration age = Duration.ofMillis(Math.max(0, Math.round(rs.getDouble(5) * 1000)));
    return Optional.of(new UnreturnedJob(job.get(), publication.get(), age));
  }

  /**
   * Removes, with their returns, the jobs whose jid is older than {@code keep_jobs} and the oldest
   * beyond the newest {@code max_jobs}. Both are a bound on the jid, so one transaction deletes
   * every job and return below the higher bound: returns whose job was purged before they landed
   * included.
   */
  @Override
  public int purgeExpired() throws IOException {
    // A jid names its microsecond; jid < this bound is exactly "the jid's time < now - keepJobs".
    Instant cutoff = clock.instant().minus(keepJobs);
    String bound = Jid.of(ceilToMicros(cutoff));
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          // One purge at a time across the cluster: two deleting the same rows in different
          // orders could deadlock, and the second would find nothing left anyway.
          s.execute("SELECT pg_advisory_xact_lock(hashtext('brine job purge'))");
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT jid FROM " + JobTables.JOBS + " ORDER BY jid DESC OFFSET ? LIMIT 1")) {
          ps.setInt(1, maxJobs - 1);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getString(1).compareTo(bound) > 0) {
              bound = rs.getString(1); // the oldest of the newest maxJobs stays
            }
          }
        }
        int removed;
        try (PreparedStatement returns =
                c.prepareStatement("DELETE FROM " + JobTables.RETURNS + " WHERE jid < ?");
            PreparedStatement jobs =
                c.prepareStatement("DELETE FROM " + JobTables.JOBS + " WHERE jid < ?")) {
          returns.setString(1, bound);
          returns.executeUpdate();
          jobs.setString(1, bound);
          removed = jobs.executeUpdate();
        }
        c.commit();
        recent.forgetBelow(bound);
        return removed;
      } catch (SQLException | RuntimeException e) {
        Transactions.rollbackQuietly(c);
        throw e;
      } finally {
        Transactions.restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot purge the job store", e);
    }
  }

  private static Instant ceilToMicros(Instant t) {
    Instant down = t.truncatedTo(ChronoUnit.MICROS);
    return down.equals(t) ? t : down.plus(1, ChronoUnit.MICROS);
  }

  private Optional<Known> recentOrLoad(String jid) throws IOException {
    Optional<Known> known = recent.get(jid);
    if (known.isPresent()) {
      return known;
    }
    try (Connection c = db.getConnection()) {
      Optional<Known> job = load(c, jid);
      job.ifPresent(recent::remember);
      return job;
    } catch (SQLException e) {
      throw SqlFailures.describe("cannot read job " + jid, e);
    }
  }

  /** The job's row, opened; empty when there is none or it does not open (logged). */
  private Optional<Known> load(Connection c, String jid) throws SQLException, IOException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT job FROM " + JobTables.JOBS + " WHERE jid = ?")) {
      ps.setString(1, jid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Optional<JobRecord> job = openJob(jid, rs.getBytes(1));
        if (job.isEmpty()) {
          log.warn("job store: skipping job {}: its row does not open (tampered with, moved from"
              + " another row, or sealed under another key)", jid);
        }
        return job.map(Known::new);
      }
    }
  }

  private Optional<JobRecord> openJob(String jid, byte[] sealed) throws IOException {
    if (!Jid.isValid(jid) || sealed == null) {
      return Optional.empty();
    }
    Optional<byte[]> plain = cipher.open(sealed, RowCipher.job(jid));
    if (plain.isEmpty()) {
      return Optional.empty();
    }
    try {
      JobRecord job = JobJson.readJob(plain.get());
      return job.jid().equals(jid) ? Optional.of(job) : Optional.empty();
    } catch (JobJson.MalformedException e) {
      return Optional.empty(); // it opened, so brine sealed it: another version's format
    }
  }

  /**
   * A return's row, opened and checked to be of the minion its row names; empty otherwise (the
   * callers log it: a table that does not open would otherwise be a line per row).
   */
  private Optional<JobReturn> openReturn(String jid, String minion, byte[] sealed)
      throws IOException {
    if (minion == null || sealed == null) {
      return Optional.empty();
    }
    Optional<byte[]> plain = cipher.open(sealed, RowCipher.jobReturn(jid, minion));
    if (plain.isEmpty()) {
      return Optional.empty();
    }
    try {
      JobReturn ret = JobJson.readReturn(plain.get());
      return ret.id().value().equals(minion) ? Optional.of(ret) : Optional.empty();
    } catch (JobJson.MalformedException e) {
      return Optional.empty(); // it opened, so brine sealed it: another version's format
    }
  }

  private static Array ids(Connection c, List<MinionId> ids) throws SQLException {
    return c.createArrayOf("text", ids.stream().map(MinionId::value).toArray());
  }


  /** Commits the returns already queued and stops the writers; the pool stays open. */
  @Override
  public void close() {
    inserter.close();
  }
}
