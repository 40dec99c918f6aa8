package io.brine.minion.jobs;

import io.brine.common.files.DurableFiles;
import io.brine.minion.functions.DurationText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which publications may still run on this minion, and the jids of the jobs that ran, kept on disk
 * so that neither a restart nor a crash lets a recorded publication run twice. (Salt's minion kept
 * its last 100 jids in memory only: CVE-2022-22936.)
 *
 * <p>A publication of jid J made at time {@code ts} (the master's clock, inside the signed
 * publication) is refused, in this order ({@link #refusal}):
 *
 * <ol>
 *   <li>when {@code ts} is more than {@link #MAX_CLOCK_SKEW} ahead of this minion's clock;
 *   <li>when it is older than {@code maxAge} ({@code publish_max_age});
 *   <li>when {@code ts} is at or before the <em>floor</em>: the newest publication time this
 *       memory has forgotten. Every jid that ever ran here is remembered or was published at or
 *       before the floor, whatever the clock does later (set back by an hour, the clock reopens
 *       nothing);
 *   <li>when J is remembered: it has already run.
 * </ol>
 *
 * <p>Forgetting: an entry older than {@code maxAge} (rule 2 refuses it anyway), and beyond {@code
 * maxEntries} the oldest. Both raise the floor, so neither reopens a replay: at the cap a
 * straggler published before the newest forgotten entry is refused rather than risk running it a
 * second time. So the memory holds at most the jobs of the last {@code maxAge} plus the skew, and
 * never more than {@code maxEntries}.
 *
 * <p>On disk, {@code <cachedir>/executed_jids}, ASCII lines:
 *
 * <pre>
 *   floor 1795426200123            the first line: the floor, milliseconds since the epoch
 *   20261123093000123456 1795426200456   one per job: jid and ts, appended and fsync'd before
 *                                        the job's function starts
 * </pre>
 *
 * At open, and after every {@value #COMPACT_SLACK} appends beyond the live entries, the file is
 * rewritten atomically ({@link DurableFiles#write}) with the floor and the live entries. A last
 * line without its newline is an append a crash cut short; its job had not started, so it is cut
 * off. A complete line that does not parse means the memory cannot know what it lost: the floor
 * goes to this start plus the skew (every publication made before the start is refused) and one
 * WARN says so. A missing file (the first start, or a lost cachedir) starts with the floor at this
 * start minus the skew.
 *
 * <p>Thread-safe: the runner checks on a network thread and records on its job threads.
 */
public final class JidMemory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JidMemory.class);

  /** The file in the cachedir. */
  public static final String FILE = "executed_jids";

  /**
   * How far ahead of this minion's clock a publication's time may be: the master's and the
   * minion's clocks must agree this well (NTP), as Kerberos asks of its hosts.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

  /** The most jids remembered; beyond it the oldest is forgotten and the floor rises. */
  public static final int MAX_ENTRIES = 10_000;

  /** Appended lines the file may hold beyond the live entries before it is rewritten. */
  static final int COMPACT_SLACK = 1_024;

  /** No valid line is longer: a 64-character jid, a space, 19 digits. */
  private static final int MAX_LINE_CHARS = 64 + 1 + 19;

  private static final String FLOOR = "floor";

  private record Entry(long ts, String jid) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int byTime = Long.compare(ts, o.ts);
      return byTime != 0 ? byTime : jid.compareTo(o.jid);
    }
  }

  private final Path file;
  private final long maxAgeMillis;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Long> byJid = new HashMap<>();
  private final TreeSet<Entry> byTime = new TreeSet<>();
  private long floor;
  /**
   * Set by a failed append that may have left a partial line; the next record rewrites the file
   * from memory first. The file is opened per append rather than held open: one open and close is
   * nothing beside the append's fsync, and a host (or the bench's swarm) running many minions
   * keeps one file descriptor per connection, not two.
   */
  private boolean needsRewrite;
  private int linesInFile;
  private boolean closed;

  private JidMemory(Path file, Duration maxAge, int maxEntries, Clock clock) {
    this.file = file.toAbsolutePath();
    this.maxAgeMillis = maxAge.toMillis();
    this.maxEntries = maxEntries;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Opens the memory in {@code cachedir} (created 0700 when missing), repairing what a crash left.
   *
   * @throws IOException when the file cannot be read or rewritten, or is a link or a folder
   */
  public static JidMemory open(Path cachedir, Duration maxAge, Clock clock) throws IOException {
    DurableFiles.ensureFolder(cachedir);
    return open(cachedir.resolve(FILE), maxAge, MAX_ENTRIES, clock);
  }

  static JidMemory open(Path file, Duration maxAge, int maxEntries, Clock clock)
      throws IOException {
    if (maxAge.isNegative() || maxAge.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("maxAge must be positive and maxEntries at least 1");
    }
    JidMemory memory = new JidMemory(file, maxAge, maxEntries, clock);
    memory.load();
    return memory;
  }

  /**
   * Why a publication of {@code jid} made at {@code published} may not run, in one line without
   * the job's content; null when it may. Nothing is recorded: {@link #record} does that.
   */
  public synchronized String refusal(String jid, Instant published) {
    long now = clock.millis();
    long ts = published.toEpochMilli();
    if (ts - now > MAX_CLOCK_SKEW.toMillis()) {
      return "it was published "
          + DurationText.of(Duration.ofMillis(ts - now))
          + " ahead of this minion's clock, more than the "
          + DurationText.of(MAX_CLOCK_SKEW)
          + " allowed (are both clocks set by NTP?)";
    }
    if (now - ts > maxAgeMillis) {
      return "it was published "
          + DurationText.of(Duration.ofMillis(now - ts))
          + " ago, longer than publish_max_age ("
          + DurationText.of(Duration.ofMillis(maxAgeMillis))
          + ")";
    }
    if (ts <= floor) {
      return "it was published before the oldest job this minion still remembers ("
          + Instant.ofEpochMilli(floor)
          + ")";
    }
    if (byJid.containsKey(jid)) {
      return "it has already run here";
    }
    return null;
  }

  /**
   * Remembers {@code jid} on disk, synced, before its job runs; a jid already remembered is left
   * as it is.
   *
   * @throws IOException when the entry could not be made durable: the job must not run
   */
  public synchronized void record(String jid, Instant published) throws IOException {
    if (closed) {
      throw new IOException("the jid memory is closed");
    }
    if (!JobCall.isJid(jid)) {
      throw new IllegalArgumentException("not a jid the memory can hold");
    }
    if (byJid.containsKey(jid)) {
      return;
    }
    long ts = published.toEpochMilli();
    if (needsRewrite) {
      rewrite(); // the last append failed: start from a clean file
    }
    append(jid, ts);
    add(jid, ts);
    forgetOld(clock.millis());
    if (linesInFile > byTime.size() + 1 + COMPACT_SLACK) {
      try {
        rewrite();
      } catch (IOException e) {
        // The entry is durable; the file is only longer than it needs to be. The next record
        // tries again and fails (refusing its job) if the file cannot be opened at all.
        log.warn("cannot rewrite the jid memory {}: {}", file, e.getMessage());
      }
    }
  }

  /** True when {@code jid} is remembered (whatever its time). */
  public synchronized boolean remembers(String jid) {
    return byJid.containsKey(jid);
  }

  synchronized int size() {
    return byTime.size();
  }

  /** The newest publication time forgotten: publications made at or before it are refused. */
  synchronized Instant floor() {
    return Instant.ofEpochMilli(floor);
  }

  Path file() {
    return file;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  // ---- on disk ----

  private void load() throws IOException {
    long now = clock.millis();
    long skew = MAX_CLOCK_SKEW.toMillis();
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      attributes = null;
    }
    byte[] content = null;
    int damaged = 0;
    if (attributes != null && !attributes.isRegularFile()) {
      throw new IOException(file + " is not a regular file (links are never followed)");
    }
    if (attributes != null) {
      long limit = (long) (maxEntries + COMPACT_SLACK + 2) * (MAX_LINE_CHARS + 1);
      if (attributes.size() > limit) {
        damaged = 1; // larger than this class ever writes
      } else {
        content = DurableFiles.read(file, (int) limit);
        damaged = content == null ? 0 : parse(content);
      }
    }
    if (attributes == null || (content == null && damaged == 0)) {
      floor = now - skew;
      log.info(
          "jid memory {} is new: jobs published before {} are refused",
          file,
          Instant.ofEpochMilli(floor));
    } else if (damaged > 0) {
      floor = Math.max(floor, now + skew);
      log.warn(
          "jid memory {} is damaged ({} unreadable lines); refusing every job published before"
              + " {} rather than risk running one twice",
          file,
          damaged,
          Instant.ofEpochMilli(floor));
    }
    forgetOld(now);
    rewrite();
  }

  /** Reads the lines into the memory; returns how many complete lines did not parse. */
  private int parse(byte[] content) {
    int damaged = 0;
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        if (!line(new String(content, start, i - start, StandardCharsets.ISO_8859_1))) {
          damaged++;
        }
        start = i + 1;
      }
    }
    if (start < content.length) {
      log.info(
          "jid memory {}: cut an unfinished last entry ({} bytes), left by a crash before it was"
              + " synced; its job had not started",
          file,
          content.length - start);
    }
    return damaged;
  }

  /** One complete line; false when it is not one this class writes. */
  private boolean line(String line) {
    int space = line.indexOf(' ');
    if (space < 0 || line.length() > MAX_LINE_CHARS) {
      return false;
    }
    String key = line.substring(0, space);
    long value;
    try {
      value = Long.parseLong(line.substring(space + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (key.equals(FLOOR)) {
      floor = Math.max(floor, value);
      return true;
    }
    if (!JobCall.isJid(key) || value < 0) {
      return false;
    }
    if (!byJid.containsKey(key)) {
      add(key, value);
    }
    return true;
  }

  private void add(String jid, long ts) {
    byJid.put(jid, ts);
    byTime.add(new Entry(ts, jid));
  }

  /** Forgets entries older than maxAge and, beyond maxEntries, the oldest; the floor follows. */
  private void forgetOld(long now) {
    long oldestKept = now - maxAgeMillis;
    while (!byTime.isEmpty()) {
      Entry oldest = byTime.first();
      if (oldest.ts() >= oldestKept && byTime.size() <= maxEntries) {
        return;
      }
      byTime.pollFirst();
      byJid.remove(oldest.jid());
      floor = Math.max(floor, oldest.ts());
    }
  }

  private void append(String jid, long ts) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((jid + " " + ts + "\n").getBytes(StandardCharsets.US_ASCII));
    try (FileChannel out =
        FileChannel.open(
            file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
      long before = out.size();
      try {
        while (line.hasRemaining()) {
          out.write(line);
        }
        out.force(false);
      } catch (IOException e) {
        // No half line may stay for the next append to run into.
        try {
          out.truncate(before);
        } catch (IOException again) {
          needsRewrite = true; // the next record rewrites the file from memory
        }
        throw e;
      }
    } catch (IOException e) {
      needsRewrite |= !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
      throw e;
    }
    linesInFile++;
  }

  /** Replaces the file with the floor and the live entries. */
  private void rewrite() throws IOException {
    StringBuilder text = new StringBuilder(32 * (byTime.size() + 1));
    text.append(FLOOR).append(' ').append(floor).append('\n');
    for (Entry e : byTime) {
      text.append(e.jid()).append(' ').append(e.ts()).append('\n');
    }
    DurableFiles.write(
        file, text.toString().getBytes(StandardCharsets.US_ASCII), DurableFiles.PRIVATE);
    needsRewrite = false;
    linesInFile = byTime.size() + 1;
  }
}
