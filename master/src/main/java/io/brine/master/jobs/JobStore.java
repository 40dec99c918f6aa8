package io.brine.master.jobs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where the master keeps its jobs and their returns (Salt's job cache): {@link JobCache} in a
 * folder for a master of its own, {@link io.brine.master.jobs.shared.SharedJobCache} in PostgreSQL
 * for a cluster of masters. Both give the same answers: one return per (job, minion), the first
 * one wins; returns only from the minions a job targeted; jobs expire by {@code keep_jobs} (the
 * time in their jid) and beyond the newest {@code max_jobs}.
 *
 * <p>Thread-safe. A store failure (a full disk, an unreachable database) is an {@link
 * IOException} whose message is one line an operator can read; nothing it refused was stored
 * half.
 */
public interface JobStore extends AutoCloseable {
  /**
   * Stores a new job with no returns yet.
   *
   * @throws FileAlreadyExistsException when a job with this jid is already stored
   * @throws IllegalArgumentException when an argument is not a JSON value
   * @throws IOException when the job could not be stored
   */
  void create(JobRecord job) throws IOException;

  /**
   * Stores a minion's return for a job and waits until it is durable. The first return per (job,
   * minion) wins. A minion re-sends a return whose acknowledgement it did not get: the same return
   * again is {@link AddResult#ALREADY_STORED}. A different second return is {@link
   * AddResult#CONFLICTING}: a job runs once per minion, so it is refused, not stored.
   *
   * @throws IOException when the return could not be stored (then it was not)
   */
  default AddResult addReturn(String jid, JobReturn ret) throws IOException {
    try {
      return addReturnAsync(jid, ret).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /**
   * As {@link #addReturn}, without waiting: completes once the return is durable (so it may be
   * acknowledged to its minion), or exceptionally with an {@link IOException} when it could not be
   * stored. May block the caller when the store's queue of returns is full: that is the
   * back-pressure a flood of returns meets.
   */
  CompletableFuture<AddResult> addReturnAsync(String jid, JobReturn ret);

  /** The job and its returns so far; empty for an unknown, damaged or invalid jid. */
  Optional<JobView> find(String jid) throws IOException;

  /**
   * How many minions have returned for a job, without reading the returns: what a client polling
   * a large job asks for. Empty for an unknown or invalid jid.
   */
  OptionalInt returnedCount(String jid) throws IOException;

  /** Every stored job, newest first; damaged ones are logged and left out. */
  List<JobRecord> list() throws IOException;

  /** The newest {@code limit} jobs, newest first, as {@link #list()} without reading the rest. */
  List<JobRecord> list(int limit) throws IOException;

  /**
   * Removes jobs older than {@code keep_jobs} and the oldest beyond {@code max_jobs}, with their
   * returns. The master calls it hourly.
   *
   * @return how many jobs were removed
   */
  int purgeExpired() throws IOException;

  /** Stores the returns already queued and stops; later returns fail. */
  @Override
  void close();
}
