package io.brine.master.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.RefusalLog;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenBao's {@code file} audit device, blocking, with brine's chain and checkpoints. One writer
 * thread per device does group commit: callers queue a line and wait until it is written and
 * fsync'd; one fsync covers every line queued meanwhile (OpenBao's device never fsyncs; brine's
 * entries are durable before the request runs).
 *
 * <p>Before each batch the writer checks that the path still names the file it opened (same file
 * key: device and inode) and that the file may still be written. A deleted or replaced file, lost
 * write permission or a failed write (a full disk) fails the batch and every one after it, so
 * callers get {@link AuditFailedException}, until {@link #reopen} (SIGHUP) opens the path again.
 * Each cause is one log line however many entries it refuses ({@link RefusalLog}).
 *
 * <p>At open the chain continues from whichever is further on: the file's last whole line, or the
 * head the vault recorded (rotated away, the new file is empty and the head carries the chain on).
 * A partial last line (a crash while writing; no caller was told it was written) is cut off and a
 * {@code torn_tail_removed} event says how many bytes went.
 *
 * <p>{@code stdout} writes to the process's standard output (not fsync'd); {@code discard} writes
 * nothing but keeps the chain's count.
 */
final class FileAuditDevice implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileAuditDevice.class);

  static final int QUEUE_CAPACITY = 4096;
  static final int MAX_BATCH = 1024;

  /** How long a caller waits for room in a full queue before its entry fails. */
  static final long ENQUEUE_WAIT_MILLIS = 5_000;

  /** Tail reads go back this far at a time. */
  private static final int TAIL_CHUNK = 64 * 1024;

  /** When checkpoints are written: every {@code every} entries, or {@code interval} after one. */
  record CheckpointPolicy(int every, Duration interval) {
    static final int DEFAULT_EVERY = 1000;
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    static final CheckpointPolicy DEFAULTS = new CheckpointPolicy(DEFAULT_EVERY, DEFAULT_INTERVAL);

    CheckpointPolicy {
      if (every < 1 || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpoints need a positive count and interval");
      }
    }
  }

  /** Told after each checkpoint, and after a reopen, so the vault keeps the chain's head. */
  interface HeadSink {
    void headMoved(FileAuditDevice device, AuditChain.Head head, ObjectNode checkpoint);
  }

  /** Why the device refuses entries; one log line each. */
  enum Cause {
    GONE("the audit file was deleted or replaced"),
    PERMISSION("write permission on the audit file was removed"),
    WRITE("cannot write the audit file"),
    OPEN("cannot open the audit file");

    final String text;

    Cause(String text) {
      this.text = text;
    }
  }

  record Failure(Cause cause, String detail) {}

  /** A queued line (body set), a checkpoint request, or the writer's stop. */
  /**
   * A line (or a checkpoint or stop order) waiting for the writer. {@code released} completes
   * once the line is written, before the fsync: a response entry. Everything else completes
   * after the fsync.
   */
  private record Pending(
      byte[] body, boolean checkpoint, boolean stop, boolean released, CompletableFuture<Void> done) {
    Pending(byte[] body, boolean checkpoint, boolean stop, CompletableFuture<Void> done) {
      this(body, checkpoint, stop, false, done);
    }
  }

  private final String name;
  private final String description;
  private final FileDeviceOptions options;
  private final AuditSalt salt;
  private final CheckpointSigner signer;
  private final Clock clock;
  private final CheckpointPolicy policy;
  private final HeadSink sink;
  private final boolean allowCharacterDevice;
  private final PathLooks looks;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Map<Cause, RefusalLog> failureLogs = new EnumMap<>(Cause.class);
  private final Object io = new Object();
  private final Thread writer;

  // Guarded by io.
  private FileChannel channel;
  private Object fileKey;
  private Failure failure;
  private AuditChain.Head head;
  private long sinceCheckpoint;
  private long lastCheckpointNanos;
  private boolean stopped;

  private volatile ObjectNode latestCheckpoint;

  /**
   * @param name the device's path without its slash, e.g. {@code file}
   * @param known the head the vault recorded for this device ({@link AuditChain.Head#START} for a
   *     new one)
   * @param latestCheckpoint the last checkpoint the vault recorded, or null
   * @param allowCharacterDevice tests only: lets {@code /dev/full} stand in for a full disk
   * @param looks how the path is looked at ({@link PathLooks#FILES}; tests change the file between
   *     looks)
   */
  FileAuditDevice(
      String name,
      String description,
      FileDeviceOptions options,
      AuditSalt salt,
      CheckpointSigner signer,
      AuditChain.Head known,
      ObjectNode latestCheckpoint,
      Clock clock,
      CheckpointPolicy policy,
      HeadSink sink,
      ScheduledExecutorService timer,
      boolean allowCharacterDevice,
      PathLooks looks) {
    this.name = Objects.requireNonNull(name);
    this.description = description == null ? "" : description;
    this.options = Objects.requireNonNull(options);
    this.salt = Objects.requireNonNull(salt);
    this.signer = Objects.requireNonNull(signer);
    this.head = Objects.requireNonNull(known);
    this.latestCheckpoint = latestCheckpoint;
    this.clock = Objects.requireNonNull(clock);
    this.policy = Objects.requireNonNull(policy);
    this.sink = Objects.requireNonNull(sink);
    this.allowCharacterDevice = allowCharacterDevice;
    this.looks = Objects.requireNonNull(looks);
    for (Cause cause : Cause.values()) {
      failureLogs.put(
          cause,
          new RefusalLog(
              log,
              "audit device " + name + "/: " + cause.text
                  + "; entries are refused until SIGHUP reopens it:",
              RefusalLog.DEFAULT_INTERVAL,
              timer));
    }
    this.writer = new Thread(this::run, "brine-audit-" + name);
    this.writer.setDaemon(true);
  }

  String name() {
    return name;
  }

  String description() {
    return description;
  }

  FileDeviceOptions options() {
    return options;
  }

  /** {@code hmac-sha256:<hex>} of {@code input} with this device's salt ({@code sys/audit-hash}). */
  String hash(String input) {
    return salt.hash(input);
  }

  AuditChain.Head head() {
    synchronized (io) {
      return head;
    }
  }

  /** The last checkpoint line written, parsed (null before the first). */
  ObjectNode latestCheckpoint() {
    ObjectNode c = latestCheckpoint;
    return c == null ? null : c.deepCopy();
  }

  /**
   * Opens the file and starts the writer.
   *
   * @throws IOException when the file cannot be opened or written; nothing is started then
   */
  void open() throws IOException {
    long torn;
    synchronized (io) {
      torn = openLocked();
    }
    writer.start();
    if (torn > 0) {
      submit(new AuditEntry(clock.instant(), AuditEntry.EVENT, null, AuditEvent.tornTail(torn)));
    }
  }

  /**
   * As {@link #open}, but a file that cannot be opened leaves the device failing (every entry
   * refused, one log line) until {@link #reopen} succeeds: a configured device never just vanishes.
   */
  void openOrFail() {
    long torn = 0;
    synchronized (io) {
      try {
        torn = openLocked();
      } catch (IOException e) {
        fail(Cause.OPEN, options.filePath() + ": " + describe(e));
      }
    }
    writer.start();
    if (torn > 0) {
      submit(new AuditEntry(clock.instant(), AuditEntry.EVENT, null, AuditEvent.tornTail(torn)));
    }
  }

  /**
   * Closes and opens the path again (SIGHUP, for logrotate), clearing a failure if the path can be
   * written now. The chain continues: the new file's first line follows the old file's last.
   */
  void reopen() {
    long torn = 0;
    AuditChain.Head now;
    ObjectNode checkpoint;
    synchronized (io) {
      if (stopped) {
        return;
      }
      closeChannel();
      try {
        torn = openLocked();
        failure = null;
        log.info("audit device {}/: reopened {}", name, options.filePath());
      } catch (IOException e) {
        fail(Cause.OPEN, options.filePath() + ": " + e.getMessage());
      }
      now = head;
      checkpoint = latestCheckpoint;
    }
    sink.headMoved(this, now, checkpoint);
    if (torn > 0) {
      submit(new AuditEntry(clock.instant(), AuditEntry.EVENT, null, AuditEvent.tornTail(torn)));
    }
  }

  /**
   * Formats {@code entry} with this device's salt and options and queues it.
   *
   * @return completes when the line is written and fsync'd (a response entry: when it is written,
   *     and the batch's fsync follows); fails with {@link AuditFailedException} when it cannot be
   */
  CompletableFuture<Void> submit(AuditEntry entry) {
    // A request entry must be durable before its request runs: that is what makes the device
    // blocking. Its response entry records an outcome that has already happened, so waiting for
    // a second fsync would only double each request's wait (measured: the audited rate is bound
    // by fsyncs); it is written before the answer goes out, and made durable by this batch's
    // fsync (a crash of the process loses nothing written; a power cut may lose it).
    boolean response = AuditEntry.RESPONSE.equals(entry.type());
    return enqueue(new Pending(EntryFormat.body(entry, salt, options), false, false, response,
        new CompletableFuture<>()));
  }

  /** Writes a checkpoint now if any entry follows the last one (seal, shutdown). */
  CompletableFuture<Void> checkpointNow() {
    return enqueue(new Pending(null, true, false, new CompletableFuture<>()));
  }

  private CompletableFuture<Void> enqueue(Pending p) {
    try {
      if (!queue.offer(p, ENQUEUE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        p.done().completeExceptionally(
            new AuditFailedException("audit device " + name + "/ is not keeping up"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.done().completeExceptionally(new AuditFailedException("interrupted", e));
    }
    return p.done();
  }

  /** Writes a last checkpoint, stops the writer, closes the file and wipes the salt. */
  @Override
  public void close() {
    if (writer.isAlive()) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      try {
        queue.offer(new Pending(null, true, true, done), ENQUEUE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        writer.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writer.interrupt();
    }
    synchronized (io) {
      stopped = true;
      closeChannel();
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done().completeExceptionally(new AuditFailedException("audit device " + name + "/ closed"));
    }
    salt.destroy();
  }

  // ------------------------------------------------------------------ the writer thread

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      Pending first;
      try {
        first = queue.poll(waitMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      batch.clear();
      if (first != null) {
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      }
      boolean stop = false;
      synchronized (io) {
        if (stopped) {
          failAll(batch, "audit device " + name + "/ closed");
          return;
        }
        process(batch);
        for (Pending p : batch) {
          stop |= p.stop();
        }
      }
      if (stop) {
        return;
      }
    }
  }

  /** Until the timed checkpoint is due, or a long while when nothing awaits one. */
  private long waitMillis() {
    synchronized (io) {
      if (sinceCheckpoint == 0) {
        return TimeUnit.HOURS.toMillis(1);
      }
      long elapsed = System.nanoTime() - lastCheckpointNanos;
      return Math.max(1, TimeUnit.NANOSECONDS.toMillis(policy.interval().toNanos() - elapsed));
    }
  }

  /** One batch: check the file, chain the lines, add a checkpoint when due, write, fsync. */
  private void process(List<Pending> batch) {
    if (failure != null) {
      refuse(batch);
      return;
    }
    Failure problem = fileProblem();
    if (problem != null) {
      fail(problem.cause(), problem.detail());
      refuse(batch);
      return;
    }
    boolean forced = false;
    long seq = head.seq();
    String prev = head.hash();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int entries = 0;
    for (Pending p : batch) {
      if (p.body() == null) {
        forced |= p.checkpoint();
        continue;
      }
      byte[] line = AuditChain.line(p.body(), ++seq, prev);
      prev = AuditChain.hash(line);
      out.writeBytes(line);
      out.write('\n');
      entries++;
    }
    long since = sinceCheckpoint + entries;
    boolean timed = System.nanoTime() - lastCheckpointNanos >= policy.interval().toNanos();
    ObjectNode checkpoint = null;
    if (since > 0 && (forced || timed || since >= policy.every())) {
      seq++;
      byte[] line = AuditChain.line(checkpointBody(seq, prev), seq, prev);
      checkpoint = parsed(line);
      prev = AuditChain.hash(line);
      out.writeBytes(line);
      out.write('\n');
    }
    if (out.size() > 0) {
      try {
        write(out.toByteArray());
      } catch (IOException e) {
        fail(Cause.WRITE, options.filePath() + ": " + describe(e));
        refuse(batch);
        return;
      }
    }
    head = new AuditChain.Head(seq, prev);
    List<Pending> durable = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.released()) {
        p.done().complete(null);
      } else {
        durable.add(p);
      }
    }
    if (out.size() > 0) {
      try {
        force();
      } catch (IOException e) {
        fail(Cause.WRITE, options.filePath() + ": " + describe(e));
        refuse(durable);
        return;
      }
    }
    if (checkpoint != null) {
      sinceCheckpoint = 0;
      lastCheckpointNanos = System.nanoTime();
      latestCheckpoint = checkpoint;
      sink.headMoved(this, head, checkpoint);
    } else {
      sinceCheckpoint = since;
    }
    for (Pending p : durable) {
      p.done().complete(null);
    }
  }

  private byte[] checkpointBody(long seq, String prev) {
    String time = EntryFormat.time(clock.instant());
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("time", time);
    o.put("type", Checkpoints.TYPE);
    ObjectNode c = o.putObject("checkpoint");
    c.put("device", name);
    c.put("covers_seq", seq - 1);
    c.put("head", prev);
    c.put("key_id", signer.keyId());
    c.put("public_key", signer.publicKeyBase64());
    c.put(
        "signature",
        signer.sign(Checkpoints.signedText(name, seq, seq - 1, prev, time, signer.keyId())));
    return EntryFormat.withPrefix(options.prefix(), o);
  }

  private static ObjectNode parsed(byte[] line) {
    int start = indexOf(line, (byte) '{', 0);
    try {
      return (ObjectNode) EntryFormat.JSON.readTree(line, start, line.length - start);
    } catch (IOException e) {
      throw new IllegalStateException("a checkpoint line does not parse", e);
    }
  }

  private void write(byte[] bytes) throws IOException {
    if (channel == null) {
      return; // discard
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private void force() throws IOException {
    if (channel != null && !isStdout()) {
      channel.force(false);
    }
  }

  /** Null when the path still names the file opened and it may still be written. */
  private Failure fileProblem() {
    if (fileKey == null) {
      return null; // stdout, discard
    }
    return fileProblem(Path.of(options.filePath()), fileKey, looks);
  }

  /**
   * How the writer looks at its path: each look resolves the path anew, so the file can be
   * replaced between two looks. Tests replace it there on purpose.
   */
  interface PathLooks {
    boolean writable(Path path);

    PosixFileAttributes attributes(Path path) throws IOException;

    PathLooks FILES =
        new PathLooks() {
          @Override
          public boolean writable(Path path) {
            return Files.isWritable(path);
          }

          @Override
          public PosixFileAttributes attributes(Path path) throws IOException {
            return Files.readAttributes(path, PosixFileAttributes.class);
          }
        };
  }

  /**
   * Whether {@code path} still names the file whose key is {@code fileKey} and may be written.
   *
   * <p>Writability is looked at first and identity last: the identity look decides, so a file
   * moved or replaced between the two looks is {@link Cause#GONE}. The other way round, a file
   * moved away right after its identity matched made the writability look find nothing there,
   * and the device blamed a lost permission that nobody had removed (AuditBrokerTest's replaced
   * file, when the test's move raced the writer's check for the unseal event: 34 of 700 runs in a
   * loop). Both orders refuse the entries; only this one names the right cause.
   */
  static Failure fileProblem(Path path, Object fileKey, PathLooks looks) {
    boolean writable = looks.writable(path); // access(2): the process's uid, groups, ACLs
    PosixFileAttributes attributes;
    try {
      attributes = looks.attributes(path);
    } catch (NoSuchFileException e) {
      return new Failure(Cause.GONE, path + " no longer exists");
    } catch (IOException e) {
      return new Failure(Cause.GONE, path + ": " + describe(e));
    }
    // The device holds the file open, so its inode cannot be freed and handed to a replacement:
    // a matching key is the same file, not a new one that reuses the number.
    if (!fileKey.equals(attributes.fileKey())) {
      return new Failure(Cause.GONE, path + " is now another file");
    }
    // The owner's bit too: access(2) lets root write whatever the mode says.
    if (!attributes.permissions().contains(PosixFilePermission.OWNER_WRITE) || !writable) {
      return new Failure(Cause.PERMISSION, path + " may no longer be written");
    }
    return null;
  }

  private void fail(Cause cause, String detail) {
    failure = new Failure(cause, detail);
    failureLogs.get(cause).refused(detail);
  }

  private void refuse(List<Pending> batch) {
    failureLogs.get(failure.cause()).refused(failure.detail());
    failAll(batch, "audit device " + name + "/: " + failure.cause().text);
  }

  private static void failAll(List<Pending> batch, String message) {
    for (Pending p : batch) {
      p.done().completeExceptionally(new AuditFailedException(message));
    }
  }

  // ------------------------------------------------------------------ opening

  private boolean isStdout() {
    return FileDeviceOptions.STDOUT.equals(options.filePath());
  }

  /** Opens the path; returns how many bytes of a partial last line were cut off. */
  private long openLocked() throws IOException {
    String filePath = options.filePath();
    if (FileDeviceOptions.DISCARD.equals(filePath)) {
      channel = null;
      fileKey = null;
      return 0;
    }
    if (isStdout()) {
      @SuppressWarnings("resource") // closing it would close the process's standard output
      FileChannel out = new FileOutputStream(FileDescriptor.out).getChannel();
      channel = out;
      fileKey = null;
      return 0;
    }
    Path path = Path.of(filePath);
    Path parent = path.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(
          parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    boolean characterDevice = false;
    if (Files.exists(path)) {
      PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
      characterDevice = a.isOther() && allowCharacterDevice;
      if (!a.isRegularFile() && !characterDevice) {
        throw new IOException(path + " is not a regular file");
      }
    } else {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(permissions(modeOrDefault())));
    }
    if (options.mode() != null && !characterDevice) {
      Files.setPosixFilePermissions(path, permissions(options.mode()));
    }
    if (!Files.isWritable(path)) {
      throw new IOException(path + " may not be written");
    }
    // The file as checked; if the path names another once the tail is read and the append
    // channel open, the open fails (below).
    Object key = looks.attributes(path).fileKey();
    long torn = 0;
    AuditChain.Head fileHead = null;
    boolean lastIsCheckpoint = false;
    if (!characterDevice) {
      try (FileChannel rw = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        Tail tail = readTail(rw);
        if (tail.tornBytes > 0) {
          rw.truncate(tail.wholeEnd);
          rw.force(false);
          torn = tail.tornBytes;
          log.warn(
              "audit device {}/: {} ended in a partial entry of {} bytes (a crash while writing);"
                  + " it was cut off",
              name,
              path,
              torn);
        }
        if (tail.lastLine != null) {
          JsonNode last = parseLine(tail.lastLine);
          long seq = last == null ? 0 : last.path("seq").asLong(0);
          if (seq <= 0) {
            log.warn(
                "audit device {}/: the last line of {} is not a brine audit entry; the chain"
                    + " continues from seq {}",
                name,
                path,
                head.seq());
          } else {
            fileHead = new AuditChain.Head(seq, AuditChain.hash(tail.lastLine));
            lastIsCheckpoint = Checkpoints.TYPE.equals(last.path("type").asText());
          }
        }
      }
    }
    // No CREATE: the file was made or found above, and one made now would not be the file checked.
    FileChannel opened =
        FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    try {
      // Java gives no fstat of a channel, so the path is looked at on both sides of the open: a
      // file replaced in between would otherwise be the one compared with at every batch while
      // the entries went on into the file moved away. A replacement undone before the second
      // look (the original renamed back over it) is not seen.
      if (!key.equals(looks.attributes(path).fileKey())) {
        throw new IOException(path + " was replaced while it was being opened");
      }
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    channel = opened;
    fileKey = key;
    if (fileHead != null && fileHead.seq() >= head.seq()) {
      head = fileHead;
      sinceCheckpoint = lastIsCheckpoint ? 0 : 1;
    } else {
      if (fileHead != null) {
        log.warn(
            "audit device {}/: {} ends at seq {} but the vault recorded seq {}: the file was cut"
                + " or replaced; the chain continues from seq {}, and brine audit verify shows"
                + " the break",
            name,
            path,
            fileHead.seq(),
            head.seq(),
            head.seq());
      }
      sinceCheckpoint = latestCheckpoint != null
          && latestCheckpoint.path("seq").asLong(-1) == head.seq() ? 0 : (head.seq() > 0 ? 1 : 0);
    }
    lastCheckpointNanos = System.nanoTime();
    return torn;
  }

  private int modeOrDefault() {
    return options.mode() == null ? FileDeviceOptions.DEFAULT_MODE : options.mode();
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder s = new StringBuilder(9);
    String rwx = "rwx";
    for (int shift = 6; shift >= 0; shift -= 3) {
      for (int bit = 0; bit < 3; bit++) {
        s.append((mode >> (shift + 2 - bit) & 1) == 1 ? rwx.charAt(bit) : '-');
      }
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  private void closeChannel() {
    if (channel != null && !isStdout()) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing the audit file", e);
      }
    }
    channel = null;
    fileKey = null;
  }

  /** The end of a file: its last whole line (without newline) and any partial line after it. */
  private record Tail(byte[] lastLine, long wholeEnd, long tornBytes) {}

  private static Tail readTail(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return new Tail(null, 0, 0);
    }
    long lastNewline = lastIndexOf(ch, size, (byte) '\n');
    long wholeEnd = lastNewline + 1; // 0 when there is none
    long torn = size - wholeEnd;
    if (lastNewline < 0) {
      return new Tail(null, 0, torn);
    }
    long start = lastIndexOf(ch, lastNewline, (byte) '\n') + 1;
    long length = lastNewline - start;
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException("the audit file's last line is too long to read");
    }
    ByteBuffer line = ByteBuffer.allocate((int) length);
    while (line.hasRemaining()) {
      if (ch.read(line, start + line.position()) < 0) {
        throw new IOException("the audit file shrank while being read");
      }
    }
    return new Tail(line.array(), wholeEnd, torn);
  }

  /** The position of the last {@code b} before {@code end}, or -1. */
  private static long lastIndexOf(FileChannel ch, long end, byte b) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(TAIL_CHUNK);
    long pos = end;
    while (pos > 0) {
      int n = (int) Math.min(TAIL_CHUNK, pos);
      chunk.clear().limit(n);
      long from = pos - n;
      while (chunk.hasRemaining()) {
        if (ch.read(chunk, from + chunk.position()) < 0) {
          throw new IOException("the audit file shrank while being read");
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (chunk.get(i) == b) {
          return from + i;
        }
      }
      pos = from;
    }
    return -1;
  }

  /** A line's JSON object (after any prefix), or null when it is none. */
  static JsonNode parseLine(byte[] line) {
    int start = indexOf(line, (byte) '{', 0);
    if (start < 0) {
      return null;
    }
    try {
      JsonNode node = EntryFormat.JSON.readTree(line, start, line.length - start);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  @Override
  public String toString() {
    return "audit device " + name + "/ (" + options.filePath() + ")";
  }
}
