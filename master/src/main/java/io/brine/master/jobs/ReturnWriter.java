package io.brine.master.jobs;

import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends returns to the jobs' {@link ReturnLog}s on one thread, with group commit: it takes every
 * return queued by the time it is free, appends them, makes each touched log durable with one
 * {@code fdatasync}, and only then completes their futures, so a minion's return is acknowledged
 * once it is on disk, and 10,000 returns arriving together cost a handful of syncs instead of
 * 10,000. The first return per (job, minion) wins. A later one that says the same (by {@link
 * JobJson#contentDigest}) completes {@link AddResult#ALREADY_STORED}, a different one {@link
 * AddResult#CONFLICTING}; neither is written.
 *
 * <p>The queue is bounded: when it is full, {@link #append} blocks its caller (a worker answering
 * minions), which is the back-pressure a flood of returns should meet. A write that fails (a full
 * disk) is cut off the log again, so no half line stays, and every return of that batch for that
 * log fails; their minions send them again.
 */
final class ReturnWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReturnWriter.class);

  static final int QUEUE_LIMIT = 16_384;

  /** Logs kept open, the most recently written; a job's first return after that reopens it. */
  private static final int OPEN_LOGS = 32;

  /** One queued return, or (id null) a request to close a job's log before it is deleted. */
  private record Pending(
      String jid,
      Path file,
      MinionId id,
      byte[] line,
      byte[] digest,
      CompletableFuture<AddResult> done) {}

  /**
   * A log open for appending and, per minion it holds, the digest of its stored return. Used on
   * the writer thread only.
   */
  private static final class OpenLog {
    final FileChannel channel;
    final Map<MinionId, byte[]> digests;

    OpenLog(FileChannel channel, Map<MinionId, byte[]> digests) {
      this.channel = channel;
      this.digests = digests;
    }
  }

  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
  private final Map<String, OpenLog> open = new LinkedHashMap<>(16, 0.75f, true);
  private final Thread thread;
  private final JobCacheCipher cipher;
  private volatile boolean closing;

  /** @param cipher opens the lines already in a log, for the digests of its returns */
  ReturnWriter(String name, JobCacheCipher cipher) {
    this.cipher = cipher;
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues {@code line} (one sealed return, {@link ReturnLog#line}, no newline) for {@code id} in
   * the log {@code file} of {@code jid}, {@code digest} being its {@link JobJson#contentDigest}
   * (of the return in clear; kept in memory only). Completes with ADDED once it is durable,
   * ALREADY_STORED or CONFLICTING when the minion already returned (the same return, or another),
   * UNKNOWN_JOB when the log is gone (the job was removed), or exceptionally when the disk failed
   * or (opening a log's lines) the vault sealed.
   */
  CompletableFuture<AddResult> append(
      String jid, Path file, MinionId id, byte[] line, byte[] digest) {
    return enqueue(new Pending(jid, file, id, line, digest, new CompletableFuture<>()));
  }

  /** Closes {@code jid}'s log, after the returns queued before; the job is about to be deleted. */
  CompletableFuture<AddResult> forget(String jid) {
    return enqueue(new Pending(jid, null, null, null, null, new CompletableFuture<>()));
  }

  private CompletableFuture<AddResult> enqueue(Pending pending) {
    if (closing) {
      return CompletableFuture.failedFuture(new IOException("the job cache is closed"));
    }
    try {
      queue.put(pending);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new IOException("interrupted while queueing a return"));
    }
    return pending.done();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closing || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        write(batch);
      } catch (InterruptedException e) {
        closing = true;
      } catch (RuntimeException e) {
        log.error("job cache: the return writer failed: {}", e.toString());
        log.debug("return writer", e);
        batch.forEach(p -> p.done().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
    open.values().forEach(ReturnWriter::closeQuietly);
    open.clear();
  }

  /** Appends a batch: per log, its lines in one write and one sync, then the answers. */
  private void write(List<Pending> batch) {
    Map<String, List<Pending>> byJob = new LinkedHashMap<>();
    for (Pending p : batch) {
      if (p.id() == null) {
        flush(byJob);
        OpenLog gone = open.remove(p.jid());
        if (gone != null) {
          closeQuietly(gone);
        }
        p.done().complete(AddResult.UNKNOWN_JOB);
      } else {
        byJob.computeIfAbsent(p.jid(), j -> new ArrayList<>()).add(p);
      }
    }
    flush(byJob);
  }

  private void flush(Map<String, List<Pending>> byJob) {
    for (List<Pending> returns : byJob.values()) {
      appendAll(returns);
    }
    byJob.clear();
  }

  private void appendAll(List<Pending> returns) {
    Pending first = returns.get(0);
    OpenLog target;
    try {
      target = openLog(first.jid(), first.file());
    } catch (NoSuchFileException e) {
      returns.forEach(p -> p.done().complete(AddResult.UNKNOWN_JOB));
      return;
    } catch (IOException e) {
      fail(returns, first.jid(), e);
      return;
    }
    List<Pending> added = new ArrayList<>();
    int bytes = 0;
    for (Pending p : returns) {
      byte[] stored = target.digests.putIfAbsent(p.id(), p.digest());
      if (stored == null) {
        added.add(p);
        bytes += p.line().length + 1;
      } else {
        p.done()
            .complete(
                MessageDigest.isEqual(stored, p.digest())
                    ? AddResult.ALREADY_STORED
                    : AddResult.CONFLICTING);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    ByteBuffer out = ByteBuffer.allocate(bytes);
    added.forEach(p -> out.put(p.line()).put((byte) '\n'));
    out.flip();
    long before = -1;
    try {
      before = target.channel.position();
      while (out.hasRemaining()) {
        target.channel.write(out);
      }
      target.channel.force(false);
    } catch (IOException e) {
      added.forEach(p -> target.digests.remove(p.id()));
      undo(first.jid(), target, before);
      fail(added, first.jid(), e);
      return;
    }
    added.forEach(p -> p.done().complete(AddResult.ADDED));
  }

  /** Cuts a failed append off again; if even that fails, the log is closed and repaired on reopen. */
  private void undo(String jid, OpenLog target, long before) {
    try {
      if (before >= 0) {
        target.channel.truncate(before);
        target.channel.position(before);
      }
    } catch (IOException e) {
      open.remove(jid);
      closeQuietly(target);
    }
  }

  private static void fail(List<Pending> returns, String jid, IOException e) {
    log.warn("job cache: cannot write returns of job {}: {}", jid, e.getMessage());
    returns.forEach(p -> p.done().completeExceptionally(e));
  }

  private OpenLog openLog(String jid, Path file) throws IOException {
    OpenLog known = open.get(jid);
    if (known != null) {
      return known;
    }
    // No CREATE: the log is made with the job, so a missing one means the job was removed.
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      long cut = ReturnLog.repairTail(channel);
      if (cut > 0) {
        log.warn("job cache: cut {} bytes of an unfinished return off job {}", cut, jid);
      }
      // The first return per minion counts; a damaged line is skipped here as in every view,
      // where find() logs it. Sealed meanwhile, this fails and so does the batch, to be retried.
      Map<MinionId, byte[]> digests = new HashMap<>();
      ReturnLog.read(
          file,
          jid,
          cipher,
          ret -> digests.putIfAbsent(ret.id(), JobJson.contentDigest(ret)),
          damaged -> {});
      OpenLog opened = new OpenLog(channel, digests);
      open.put(jid, opened);
      evictBeyondLimit();
      return opened;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void evictBeyondLimit() {
    var it = open.entrySet().iterator();
    while (open.size() > OPEN_LOGS && it.hasNext()) {
      closeQuietly(it.next().getValue());
      it.remove();
    }
  }

  private static void closeQuietly(OpenLog log) {
    try {
      log.channel.close();
    } catch (IOException e) {
      ReturnWriter.log.debug("closing a returns log", e);
    }
  }

  /** Writes what is queued, then stops; later appends fail. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.forEach(p -> p.done().completeExceptionally(new IOException("the job cache closed")));
  }
}
