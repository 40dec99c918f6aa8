package io.brine.master.jobs;

import io.brine.common.files.DurableFiles;
import io.brine.crypto.aead.Aead;
import io.brine.master.jobs.RecentJobs.Known;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's job cache (Salt's {@code local_cache} returner): each published job and the
 * returns of its minions, on disk so they survive a restart.
 *
 * <p>Layout, every file written atomically with {@link DurableFiles} in PRIVATE mode (files 0600,
 * folders 0700):
 *
 * <pre>
 * {dir}/{jid}/job.json      the {@link JobRecord}, sealed: base64 of its JSON under the data key
 * {dir}/{jid}/returns.log   its {@link JobReturn}s, one line each, one per minion:
 *                           "{minion id} {base64 of the return's JSON under the data key}"
 * </pre>
 *
 * <p>Sealed because a job and its returns can hold a vault secret (a pillar value, a file's diff)
 * and no secret is ever in clear on the master's disk: each value is AES-256-GCM ciphertext under
 * the master's data key, which lives in the vault's barrier ({@link
 * io.brine.master.cluster.ClusterSecrets}: made at the first unseal, loaded at each unseal, wiped
 * at seal), with associated data naming its jid, and for a return its minion ({@link
 * JobCacheCipher}), so a file or line moved to another job or minion does not open there and is
 * skipped as damage. While the vault is sealed nothing can be read or stored: find, list, create
 * and addReturn fail with a {@link JobStoreUnavailableException}, "the job cache is sealed with
 * the vault" (a minion's return is then held and tried again, {@link MinionCalls}). What needs no
 * key still works: expiry and purge go by the time in the jid (the folder's name), and {@link
 * #returnedCount} counts lines.
 *
 * <p>A job an earlier version stored in clear (its job.json starts with <code>{</code>, which
 * base64 never does) is removed by {@link #open}, with one log line: kept, it would be a secret in
 * clear on the disk until it expired, and the cache is a day's history, not a record.
 *
 * A job folder appears whole: it is built under a temp name (job.json and an empty returns log)
 * and renamed into place, and removed by renaming it to a temp name before deleting its content.
 * Temp names start with {@link DurableFiles#TEMP_PREFIX}; any found by {@link #open} are leftovers
 * of a crash and are deleted. A jid is checked with {@link Jid#isValid} before any path is built
 * from it; minion ids come checked as {@link MinionId}. See {@link JobJson} for the file formats.
 *
 * <p>Expiry: jobs older than {@code keepJobs} (by the time in their jid) and, beyond the newest
 * {@code maxJobs}, the oldest ones are removed by {@link #open} and {@link #purgeExpired}. The
 * master's intended defaults are {@link #DEFAULT_KEEP_JOBS} (Salt's {@code keep_jobs}, 24 hours)
 * and {@link #DEFAULT_MAX_JOBS} (10,000).
 *
 * <p>Returns are appended by one {@link ReturnWriter} thread with group commit and acknowledged
 * once durable ({@link #addReturn}); see {@link ReturnLog} for why and for how a crash mid-append
 * is repaired.
 *
 * <p>Thread-safe: creating and removing a job are serialised by a lock (striped by jid), readers
 * need none since job folders change by atomic renames and a log only grows by whole lines. A
 * damaged job.json or return line (truncated, not JSON, a field wrong) is reported with one log
 * line and skipped. One instance per folder; {@link #close} stops its writer.
 */
public final class JobCache implements JobStore {
  private static final Logger log = LoggerFactory.getLogger(JobCache.class);

  public static final Duration DEFAULT_KEEP_JOBS = Duration.ofHours(24);
  public static final int DEFAULT_MAX_JOBS = 10_000;

  static final String JOB_FILE = "job.json";

  /** Read limits: a return is bounded by the wire's frame size long before these. */
  static final int MAX_JOB_BYTES = 64 * 1024 * 1024;

  static final int MAX_RETURN_BYTES = 64 * 1024 * 1024;

  /** Temp-name kinds: a job folder being built, a job folder being deleted. */
  private static final String BUILDING = "job-";

  private static final String REMOVING = "gone-";
  private static final int LOCK_STRIPES = 64;

  /**
   * Jobs by jid, the most recently written to: addReturn needs the job's targets for every
   * return, and a job of 10,000 minions is too large to parse, or scan, 10,000 times.
   */
  private static final int RECENT_JOBS = 128;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final int maxJobs;
  private final Duration keepJobs;
  private final Clock clock;
  private final JobCacheCipher cipher;
  private final ReturnWriter writer;
  private final Object[] locks = new Object[LOCK_STRIPES];
  private final RecentJobs recent = new RecentJobs(RECENT_JOBS);

  private JobCache(Path dir, int maxJobs, Duration keepJobs, Clock clock, Aead dataKey) {
    this.dir = dir;
    this.maxJobs = maxJobs;
    this.keepJobs = keepJobs;
    this.clock = clock;
    this.cipher = new JobCacheCipher(dataKey);
    this.writer = new ReturnWriter("brine-job-returns", cipher);
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Opens the cache under {@code dir}, creating it (0700) when missing; then removes leftover temp
   * files and folders, jobs an earlier version stored in clear, jobs older than {@code keepJobs},
   * and the oldest beyond {@code maxJobs}. Needs no key: the vault may still be sealed.
   *
   * @param dataKey seals what the cache writes; the same object across seals, refusing while the
   *     vault is sealed ({@link io.brine.master.cluster.ClusterSecrets#dataAead})
   */
  public static JobCache open(
      Path dir, int maxJobs, Duration keepJobs, Clock clock, Aead dataKey) throws IOException {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(dataKey, "dataKey");
    if (maxJobs < 1) {
      throw new IllegalArgumentException("max_jobs is " + maxJobs + "; it must be at least 1");
    }
    if (keepJobs == null || keepJobs.isNegative() || keepJobs.isZero()) {
      throw new IllegalArgumentException("keep_jobs must be a positive duration, not " + keepJobs);
    }
    DurableFiles.ensureFolder(dir);
    JobCache cache = new JobCache(dir.toAbsolutePath(), maxJobs, keepJobs, clock, dataKey);
    try {
      cache.removeLeftoversInJobs();
      int inClear = cache.removeJobsInClear();
      if (inClear > 0) {
        log.warn(
            "job cache: removed {} job(s) an earlier version stored in clear; job returns are now"
                + " sealed with the vault",
            inClear);
      }
      int removed = cache.purgeExpired();
      if (removed > 0) {
        log.info("job cache: removed {} expired jobs at start", removed);
      }
      return cache;
    } catch (IOException | RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Stores a new job with no returns yet.
   *
   * @throws FileAlreadyExistsException when a job with this jid is already cached
   * @throws IllegalArgumentException when an argument is not a JSON value
   */
  @Override
  public void create(JobRecord job) throws IOException {
    String jid = job.jid();
    byte[] sealed = cipher.seal(JobJson.write(job), JobCacheCipher.job(jid));
    synchronized (lock(jid)) {
      Path target = dir.resolve(jid);
      if (DurableFiles.exists(target)) {
        throw new FileAlreadyExistsException(jid, null, "job " + jid + " already exists");
      }
      Path temp = dir.resolve(tempName(BUILDING, jid));
      try {
        DurableFiles.ensureFolder(temp);
        DurableFiles.write(temp.resolve(ReturnLog.FILE), new byte[0], DurableFiles.PRIVATE);
        DurableFiles.write(temp.resolve(JOB_FILE), sealed, DurableFiles.PRIVATE);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.forceFolder(dir);
      } finally {
        DurableFiles.deleteTree(temp); // gone after the rename; a partial folder after a failure
      }
      recent.remember(new Known(job));
    }
  }

  /**
   * As {@link #addReturn}, without waiting: completes once the return is on disk (so it may be
   * acknowledged to its minion), or exceptionally with an {@link IOException} when it could not be
   * stored ({@link JobStoreUnavailableException} while the vault is sealed). Checks the job and its
   * targets and seals the return on the calling thread; may block when the writer's queue is full.
   */
  @Override
  public CompletableFuture<AddResult> addReturnAsync(String jid, JobReturn ret) {
    Objects.requireNonNull(ret, "ret");
    if (!Jid.isValid(jid)) {
      return CompletableFuture.completedFuture(AddResult.UNKNOWN_JOB);
    }
    try {
      Optional<Known> job = load(jid);
      if (job.isEmpty()) {
        return CompletableFuture.completedFuture(AddResult.UNKNOWN_JOB);
      }
      recent.remember(job.get());
      if (!job.get().targets().contains(ret.id())) {
        return CompletableFuture.completedFuture(AddResult.NOT_TARGETED);
      }
      Path file = dir.resolve(jid).resolve(ReturnLog.FILE);
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        if (!DurableFiles.exists(dir.resolve(jid))) {
          return CompletableFuture.completedFuture(AddResult.UNKNOWN_JOB); // removed meanwhile
        }
        throw new IOException(
            "job " + jid + " has no " + ReturnLog.FILE + "; its cache entry is damaged");
      }
      byte[] line = ReturnLog.line(cipher, jid, ret);
      return writer.append(jid, file, ret.id(), line, JobJson.contentDigest(ret));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  @Override
  public Optional<JobView> find(String jid) throws IOException {
    if (!Jid.isValid(jid)) {
      return Optional.empty();
    }
    // No lock: files appear and disappear by atomic renames, so a reader sees whole files. From
    // the disk, never from memory: while the vault is sealed nothing of the cache can be read.
    Optional<Known> job = read(jid);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    Map<MinionId, JobReturn> returns = new HashMap<>();
    Path file = dir.resolve(jid).resolve(ReturnLog.FILE);
    Set<MinionId> targets = job.get().targets();
    boolean found =
        ReturnLog.read(
            file,
            jid,
            cipher,
            r -> {
              if (targets.contains(r.id())) {
                returns.putIfAbsent(r.id(), r);
              } else {
                skipped(jid, "the job did not target " + r.id());
              }
            },
            why -> skipped(jid, why));
    if (!found) {
      if (!DurableFiles.exists(dir.resolve(jid))) {
        return Optional.empty(); // removed since it was read
      }
      log.warn("job cache: job {} has no {}; showing it without returns", jid, ReturnLog.FILE);
    }
    return Optional.of(new JobView(job.get().job(), returns));
  }

  private static void skipped(String jid, String why) {
    log.warn("job cache: skipping a damaged return of job {}: {}", jid, why);
  }

  /**
   * How many minions have returned for a job, by counting the lines of its returns log without
   * parsing them: what a client polling a large job asks for, so that polling does not cost a
   * parse of every return. Empty for an unknown or invalid jid.
   */
  @Override
  public OptionalInt returnedCount(String jid) throws IOException {
    if (!Jid.isValid(jid) || !DurableFiles.exists(dir.resolve(jid))) {
      return OptionalInt.empty();
    }
    int count = ReturnLog.count(dir.resolve(jid).resolve(ReturnLog.FILE));
    return count < 0 ? OptionalInt.empty() : OptionalInt.of(count);
  }

  @Override
  public List<JobRecord> list() throws IOException {
    return list(Integer.MAX_VALUE);
  }

  /**
   * {@inheritDoc}
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  @Override
  public List<JobRecord> list(int limit) throws IOException {
    List<JobRecord> jobs = new ArrayList<>();
    for (String jid : jidsNewestFirst()) {
      if (jobs.size() >= limit) {
        break;
      }
      read(jid).ifPresent(known -> jobs.add(known.job()));
    }
    return jobs;
  }

  /**
   * Removes jobs older than keepJobs and the oldest beyond maxJobs, and top-level temp folders left
   * by a crash. The master calls it hourly.
   *
   * @return how many jobs were removed
   */
  @Override
  public int purgeExpired() throws IOException {
    List<String> temps = new ArrayList<>();
    List<String> jids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Jid.isValid(name)) {
          jids.add(name);
        } else if (name.startsWith(DurableFiles.TEMP_PREFIX)) {
          temps.add(name);
        }
      }
    }
    for (String temp : temps) {
      removeTemp(temp);
    }
    jids.sort(Comparator.reverseOrder());
    Instant cutoff = clock.instant().minus(keepJobs);
    int removed = 0;
    for (int i = 0; i < jids.size(); i++) {
      String jid = jids.get(i);
      if ((i >= maxJobs || Jid.toInstant(jid).isBefore(cutoff)) && remove(jid)) {
        removed++;
      }
    }
    return removed;
  }

  private List<String> jidsNewestFirst() throws IOException {
    List<String> jids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Jid.isValid(name)) {
          jids.add(name);
        }
      }
    }
    // Same length, all digits, most significant first: string order is time order.
    jids.sort(Comparator.reverseOrder());
    return jids;
  }

  /**
   * The job from memory or job.json, for checking a return against its targets: a return is
   * sealed before it is stored, so it too fails while the vault is sealed.
   */
  private Optional<Known> load(String jid) throws IOException {
    Optional<Known> known = recent.get(jid);
    return known.isPresent() ? known : read(jid);
  }

  /**
   * The job from its job.json; empty when missing or damaged (logged). Not remembered here:
   * list() reads every job, which would push out the ones minions are returning to.
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  private Optional<Known> read(String jid) throws IOException {
    Path folder = dir.resolve(jid);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      if (DurableFiles.exists(folder)) {
        log.warn("job cache: skipping {}: not a folder", jid);
      }
      return Optional.empty();
    }
    try {
      byte[] content = DurableFiles.read(folder.resolve(JOB_FILE), MAX_JOB_BYTES);
      if (content == null) {
        if (DurableFiles.exists(folder)) {
          log.warn("job cache: skipping job {}: it has no {}", jid, JOB_FILE);
        }
        return Optional.empty();
      }
      if (JobCacheCipher.isClearJson(content)) {
        throw new JobJson.MalformedException("it is in clear (an earlier version's format)");
      }
      Optional<byte[]> json = cipher.open(content, JobCacheCipher.job(jid));
      if (json.isEmpty()) {
        throw new JobJson.MalformedException(
            "it does not open (copied from another job, altered, or sealed under another key)");
      }
      JobRecord job = JobJson.readJob(json.get());
      if (!job.jid().equals(jid)) {
        throw new JobJson.MalformedException("it holds job " + job.jid());
      }
      return Optional.of(new Known(job));
    } catch (JobJson.MalformedException | DurableFiles.NotARegularFileException e) {
      log.warn("job cache: skipping damaged {}/{}: {}", jid, JOB_FILE, e.getMessage());
      return Optional.empty();
    }
  }

  /** Deletes a job: renamed away first, so no reader ever sees it half deleted. */
  private boolean remove(String jid) throws IOException {
    synchronized (lock(jid)) {
      Path folder = dir.resolve(jid);
      recent.forget(jid);
      writer.forget(jid).join(); // its log closed, the returns queued before it written
      if (!DurableFiles.exists(folder)) {
        return false;
      }
      Path gone = dir.resolve(tempName(REMOVING, jid));
      Files.move(folder, gone, StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.forceFolder(dir);
      DurableFiles.deleteTree(gone);
      return true;
    }
  }

  /**
   * Deletes a top-level temp folder. Under its jid's lock, so a job being built right now (whose
   * temp folder exists only while create holds that lock) is never touched.
   */
  private void removeTemp(String name) throws IOException {
    String jid = jidOfTemp(name);
    if (jid == null) {
      log.info("job cache: removing leftover {}", printable(name));
      DurableFiles.deleteTree(dir.resolve(name));
      return;
    }
    synchronized (lock(jid)) {
      if (DurableFiles.exists(dir.resolve(name))) {
        log.info("job cache: removing leftover {}", name);
        DurableFiles.deleteTree(dir.resolve(name));
      }
    }
  }

  /**
   * Temp files inside job folders (a job.json written when the process died). Only a crash leaves
   * them, so only open() looks; later, DurableFiles removes its own on failure.
   */
  private void removeLeftoversInJobs() throws IOException {
    for (String jid : jidsNewestFirst()) {
      removeTempFiles(dir.resolve(jid));
    }
  }

  /**
   * Removes the jobs whose job.json is in clear, as an earlier version wrote it: their returns are
   * in clear too. Tells them by the first byte, without the key.
   *
   * @return how many were removed
   */
  private int removeJobsInClear() throws IOException {
    int removed = 0;
    for (String jid : jidsNewestFirst()) {
      Path folder = dir.resolve(jid);
      if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) // a link is never followed
          && startsInClear(folder.resolve(JOB_FILE))
          && remove(jid)) {
        removed++;
      }
    }
    return removed;
  }

  private static boolean startsInClear(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false; // a missing, linked or odd job.json is damage, skipped where it is read
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return JobCacheCipher.isClearJson(in.readNBytes(1));
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static void removeTempFiles(Path folder) throws IOException {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            folder, p -> p.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX))) {
      for (Path entry : entries) {
        log.info("job cache: removing leftover {}", entry);
        DurableFiles.deleteTree(entry);
      }
    }
  }

  private static String tempName(String kind, String jid) {
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    return DurableFiles.TEMP_PREFIX + kind + jid + "-" + HexFormat.of().formatHex(random);
  }

  /** The jid inside a temp name this class made, or null for any other name. */
  private static String jidOfTemp(String name) {
    for (String kind : List.of(BUILDING, REMOVING)) {
      String head = DurableFiles.TEMP_PREFIX + kind;
      if (name.startsWith(head) && name.length() >= head.length() + Jid.LENGTH) {
        String jid = name.substring(head.length(), head.length() + Jid.LENGTH);
        if (Jid.isValid(jid)) {
          return jid;
        }
      }
    }
    return null;
  }

  private Object lock(String jid) {
    return locks[Math.floorMod(jid.hashCode(), LOCK_STRIPES)];
  }

  /** Writes the returns already queued and stops the writer; later returns fail. */
  @Override
  public void close() {
    writer.close();
  }

  /** A name from a directory listing, safe for a log line: controls escaped, at most 64 shown. */
  private static String printable(String name) {
    StringBuilder sb = new StringBuilder();
    int shown = Math.min(name.length(), 64);
    for (int i = 0; i < shown; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return name.length() > shown ? sb.append("...").toString() : sb.toString();
  }
}
