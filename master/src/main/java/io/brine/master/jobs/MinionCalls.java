package io.brine.master.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brine.common.log.LogText;
import io.brine.master.cp.StagedFiles;
import io.brine.master.files.FileRequestException;
import io.brine.master.grains.GrainStore;
import io.brine.master.files.FileRoots;
import io.brine.master.files.ServedFile;
import io.brine.master.listener.SessionRequests;
import io.brine.master.pillar.CompiledPillar;
import io.brine.master.pillar.PillarCompiler;
import io.brine.master.pillar.PillarUnavailableException;
import io.brine.protocol.MinionId;
import io.brine.protocol.ProtocolException;
import io.brine.protocol.job.GrainsDocument;
import io.brine.protocol.job.JobJson;
import io.brine.protocol.job.SessionCall;
import io.brine.protocol.job.SessionReply;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of the minions' calls (docs/protocol.md §5): job returns into the {@link
 * JobStore}, the file server's {@code file.stat} and {@code file.read} over {@link FileRoots}, the
 * minion's {@code grains} into the {@link GrainStore}, its {@code pillar} compiled by the {@link
 * PillarCompiler} with the grains kept for it, and {@code ping}, a minion's check that its master
 * is alive.
 * The disk work runs on {@code workers}, never on a connection's event loop. A call the master
 * refuses (an unknown job, a path outside the roots) is answered with an error and logged; only a
 * call that is not well-formed closes the connection.
 *
 * <p>A return the store cannot take because it cannot be reached right now ({@link
 * JobStoreUnavailableException}: a cluster's database restarting) is held and tried again, with
 * backoff, for up to {@link #HOLD_WHILE_UNAVAILABLE}, its minion waiting for the answer meanwhile:
 * a minion keeps a return only until the master answers, and would drop one answered with an
 * error, so answering at once would lose every return of the outage. Held returns are in memory
 * only, bounded by the calls the minions have out; none is acknowledged before it is stored.
 */
public final class MinionCalls implements SessionRequests {
  private static final Logger log = LoggerFactory.getLogger(MinionCalls.class);

  /** The largest chunk of a file in one REPLY: its base64 stays well inside a 1 MiB frame. */
  public static final int MAX_CHUNK_BYTES = 256 * 1024;

  private static final int LOGGED_REPEATS = 4_096;

  /** How long a return waits for an unreachable store before its minion is told the error. */
  public static final Duration HOLD_WHILE_UNAVAILABLE = Duration.ofMinutes(5);

  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

  private final JobStore jobs;
  private final GrainStore grains;
  private final FileRoots files;
  private final StagedFiles staged;
  private volatile PillarCompiler pillars;
  private volatile LastPillars lastPillars;
  private final Map<MinionId, CompletableFuture<SessionReply>> compilingPillars =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ServedFiles served;
  private final ExecutorService workers;
  private final Clock clock;
  private final Duration hold;

  /** Whether returns are being held for an unreachable store: an outage is two log lines. */
  private final AtomicBoolean holding = new AtomicBoolean();

  /**
   * (job, minion, result) already logged at INFO or WARN: a minion that sends one return over and
   * over is one line, not a flood. The oldest are forgotten beyond {@value #LOGGED_REPEATS}.
   */
  private final Map<String, Boolean> loggedRepeats =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > LOGGED_REPEATS;
        }
      };

  /**
   * @param files the file roots, or null when the master serves no files
   */
  public MinionCalls(JobStore jobs, FileRoots files, ExecutorService workers, Clock clock) {
    this(jobs, null, files, null, workers, clock, HOLD_WHILE_UNAVAILABLE);
  }

  /**
   * @param grains where the minions' grains are kept, or null when this master keeps none (a
   *     {@code grains} call is then answered with an error)
   * @param files the file roots, or null when the master serves no files
   * @param staged {@code brine cp}'s staging area ({@code brine-staged://<id>}), or null
   */
  public MinionCalls(
      JobStore jobs,
      GrainStore grains,
      FileRoots files,
      StagedFiles staged,
      ExecutorService workers,
      Clock clock) {
    this(jobs, grains, files, staged, workers, clock, HOLD_WHILE_UNAVAILABLE);
  }

  /** As the public constructor, holding returns for an unreachable store up to {@code hold}. */
  MinionCalls(
      JobStore jobs, FileRoots files, ExecutorService workers, Clock clock, Duration hold) {
    this(jobs, null, files, null, workers, clock, hold);
  }

  private MinionCalls(
      JobStore jobs,
      GrainStore grains,
      FileRoots files,
      StagedFiles staged,
      ExecutorService workers,
      Clock clock,
      Duration hold) {
    this.jobs = jobs;
    this.grains = grains;
    this.files = files;
    this.staged = staged;
    this.served = new ServedFiles();
    this.workers = workers;
    this.clock = clock;
    this.hold = hold;
  }

  /**
   * Compiles the minions' pillar with {@code compiler} from now on; without one a {@code pillar}
   * call is answered with an error.
   */
  public MinionCalls pillarFrom(PillarCompiler compiler) {
    this.pillars = compiler;
    return this;
  }

  /** Keeps each pillar compiled in {@code last}, for pillar targets (memory only). */
  public MinionCalls rememberPillarsIn(LastPillars last) {
    this.lastPillars = last;
    return this;
  }

  @Override
  public CompletableFuture<byte[]> handle(MinionId id, byte[] request) {
    SessionCall call;
    try {
      call = SessionCall.parse(request);
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (SessionCall.PING.equals(call.kind())) {
      // A minion's master_alive_interval asking for a sign of life: answered here, off the
      // workers, so a master whose disk is slow is not taken for a dead one.
      return CompletableFuture.completedFuture(SessionReply.ok(call.rid()).toJson());
    }
    return CompletableFuture.supplyAsync(() -> answer(id, call), workers)
        .thenCompose(reply -> reply)
        .handle((reply, failure) -> replyOrDiskError(id, call, reply, failure).toJson());
  }

  /**
   * A call session's REQUEST ({@code brine call} on a minion host): the file server, the
   * minion's pillar and ping only. It runs no job, so it has no return to send, and the daemon's
   * connection alone reports the grains; {@code brine cp}'s staged files belong to the jobs that
   * name them. Anything else is answered with an error and one WARN line.
   */
  @Override
  public CompletableFuture<byte[]> handleCallSession(MinionId id, byte[] request) {
    SessionCall call;
    try {
      call = SessionCall.parse(request);
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean fileCall =
        SessionCall.FILE_STAT.equals(call.kind()) || SessionCall.FILE_READ.equals(call.kind());
    boolean allowed =
        SessionCall.PING.equals(call.kind())
            || SessionCall.PILLAR.equals(call.kind())
            || (fileCall
                && !call.body().path("path").asText("").startsWith(StagedFiles.SCHEME));
    if (!allowed) {
      log.warn(
          "call session of minion {} asked for {}, which call sessions may not; refused",
          id,
          fileCall ? "a staged file" : "'" + LogText.escape(call.kind()) + "'");
      return CompletableFuture.completedFuture(
          SessionReply.error(
                  call.rid(),
                  "a call session (brine call) may only read the master's files and its pillar,"
                      + " not "
                      + (fileCall ? "staged files" : "'" + call.kind() + "'"))
              .toJson());
    }
    return handle(id, request);
  }

  /** The answer; a return's completes once it is durable in the job store. */
  private CompletableFuture<SessionReply> answer(MinionId id, SessionCall call) {
    try {
      return switch (call.kind()) {
        case SessionCall.RETURN -> ret(id, call);
        case SessionCall.FILE_STAT -> CompletableFuture.completedFuture(stat(id, call));
        case SessionCall.FILE_READ -> CompletableFuture.completedFuture(read(call));
        case SessionCall.GRAINS -> CompletableFuture.completedFuture(grains(id, call));
        case SessionCall.PILLAR -> sharedPillar(id, call);
        default ->
            CompletableFuture.completedFuture(
                SessionReply.error(call.rid(), "unknown request kind '" + call.kind() + "'"));
      };
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The reply, or the error a minion gets when the master's disk failed it. */
  private static SessionReply replyOrDiskError(
      MinionId id, SessionCall call, SessionReply reply, Throwable failure) {
    if (failure == null) {
      return reply;
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (!(cause instanceof IOException)) {
      throw failure instanceof CompletionException c ? c : new CompletionException(cause);
    }
    log.warn("cannot answer {} of minion {}: {}", call.kind(), id, cause.getMessage());
    log.debug("request of minion {}", id, cause);
    return SessionReply.error(call.rid(), "the master failed: " + cause.getMessage());
  }

  private CompletableFuture<SessionReply> ret(MinionId id, SessionCall call) {
    ObjectNode body = call.body();
    String jid = body.path("jid").asText(null);
    JsonNode fun = body.get("fun");
    JsonNode retcode = body.get("retcode");
    JsonNode success = body.get("success");
    if (jid == null
        || fun == null
        || !fun.isTextual()
        || retcode == null
        || !retcode.canConvertToInt()
        || success == null
        || !success.isBoolean()
        || !body.has("return")) {
      return CompletableFuture.completedFuture(
          SessionReply.error(call.rid(), "a return needs jid, fun, return, retcode and success"));
    }
    Object value = JobJson.MAPPER.convertValue(body.get("return"), Object.class);
    JobReturn ret =
        new JobReturn(
            id, fun.asText(), value, retcode.asInt(), success.asBoolean(), clock.instant());
    return storeHoldingWhileUnavailable(jid, ret, System.nanoTime() + hold.toNanos(), FIRST_RETRY)
        .thenApply(result -> reply(id, call, jid, result));
  }

  /** The store's answer; while it cannot be reached, asked again with backoff until the deadline. */
  private CompletableFuture<AddResult> storeHoldingWhileUnavailable(
      String jid, JobReturn ret, long deadlineNanos, Duration wait) {
    return jobs.addReturnAsync(jid, ret)
        .handle(
            (result, failure) -> {
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause == null) {
                if (holding.compareAndSet(true, false)) {
                  log.info("the job store answers again; the returns held meanwhile go in");
                }
                return CompletableFuture.completedFuture(result);
              }
              if (!(cause instanceof JobStoreUnavailableException)
                  || System.nanoTime() - deadlineNanos > 0) {
                return CompletableFuture.<AddResult>failedFuture(cause);
              }
              if (holding.compareAndSet(false, true)) {
                log.warn(
                    "{}; holding the minions' returns until the job store answers (up to {} s"
                        + " each)",
                    cause.getMessage(),
                    hold.toSeconds());
              }
              Duration next = wait.multipliedBy(2).compareTo(LONGEST_RETRY) < 0
                  ? wait.multipliedBy(2)
                  : LONGEST_RETRY;
              Executor later =
                  CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, workers);
              return CompletableFuture.supplyAsync(() -> null, later)
                  .thenCompose(
                      nothing -> storeHoldingWhileUnavailable(jid, ret, deadlineNanos, next));
            })
        .thenCompose(answer -> answer);
  }

  private SessionReply reply(MinionId id, SessionCall call, String jid, AddResult result) {
    switch (result) {
      case ADDED -> log.debug("job {}: return of minion {}", jid, id);
      case ALREADY_STORED -> {
        if (firstTime(jid, id, result)) {
          log.info(
              "job {}: minion {} sent its return again (it did not get the acknowledgement);"
                  + " acknowledged, stored once",
              jid,
              id);
        } else {
          log.debug("job {}: minion {} sent its return again", jid, id);
        }
      }
      case CONFLICTING -> {
        if (firstTime(jid, id, result)) {
          log.warn(
              "job {}: minion {} sent a second, different return; refused, the first is kept"
                  + " (did the job run twice there?)",
              jid,
              id);
        } else {
          log.debug("job {}: minion {} sent another different return; refused", jid, id);
        }
      }
      case NOT_TARGETED ->
          log.warn("job {}: return of minion {}, which it did not target; dropped", jid, id);
      case UNKNOWN_JOB ->
          log.warn("return of minion {} for job {}, which the cache does not hold; dropped",
              id, printable(jid));
    }
    return switch (result) {
      case ADDED, ALREADY_STORED -> SessionReply.ok(call.rid());
      case CONFLICTING ->
          SessionReply.error(
              call.rid(),
              "job " + jid + " already has a return from " + id + "; a second one is refused");
      case NOT_TARGETED -> SessionReply.error(call.rid(), "job " + jid + " did not target " + id);
      case UNKNOWN_JOB -> SessionReply.error(call.rid(), "no such job");
    };
  }

  private boolean firstTime(String jid, MinionId id, AddResult result) {
    synchronized (loggedRepeats) {
      return loggedRepeats.put(jid + " " + id + " " + result, Boolean.TRUE) == null;
    }
  }

  /**
   * A minion's grains: checked against the bounds (size, nesting) and kept with its key. A refusal
   * is one WARN line (the minion sends them again only at its next connection or change).
   */
  private SessionReply grains(MinionId id, SessionCall call) throws IOException {
    if (grains == null) {
      return SessionReply.error(call.rid(), "this master keeps no grains");
    }
    byte[] json;
    try {
      JsonNode sent = call.body().get("grains");
      if (sent == null) {
        throw new ProtocolException("a grains call needs 'grains'");
      }
      json = GrainsDocument.encode(GrainsDocument.decode(sent));
    } catch (ProtocolException e) {
      log.warn("grains of minion {} refused: {}", id, LogText.escape(e.getMessage()));
      return SessionReply.error(call.rid(), "grains refused: " + e.getMessage());
    }
    grains.put(id, json);
    log.debug("grains of minion {} kept ({} bytes)", id, json.length);
    return SessionReply.ok(call.rid());
  }

  /**
   * The minion's pillar, {@code {"pillar": {...}}}, compiled here on a worker with the grains kept
   * for it (none yet: an empty map). A pillar the master cannot give (sealed vault, too large) is
   * an error reply; the compiler has logged it.
   */
  /**
   * One compile per minion at a time: a pillar call that comes while that minion's pillar is
   * being compiled gets the same answer, not a compile of its own. A minion that floods the call
   * (each compile renders its files and may write audit entries) costs one compile's worth, and
   * no worker waits for another's.
   */
  private CompletableFuture<SessionReply> sharedPillar(MinionId id, SessionCall call) {
    CompletableFuture<SessionReply> mine = new CompletableFuture<>();
    CompletableFuture<SessionReply> running = compilingPillars.putIfAbsent(id, mine);
    if (running != null) {
      return running.thenApply(
          r -> r.isOk() ? SessionReply.ok(call.rid(), r.body()) : SessionReply.error(call.rid(),
              r.error()));
    }
    try {
      mine.complete(pillar(id, call));
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
    } finally {
      compilingPillars.remove(id, mine);
    }
    return mine;
  }

  private SessionReply pillar(MinionId id, SessionCall call) throws IOException {
    PillarCompiler compiler = pillars;
    if (compiler == null) {
      return SessionReply.error(call.rid(), "this master compiles no pillar");
    }
    Map<String, Object> known = grains == null ? null : grains.grains(id);
    CompiledPillar pillar;
    try {
      pillar = compiler.compile(id, known == null ? Map.of() : known);
    } catch (PillarUnavailableException e) {
      return SessionReply.error(call.rid(), e.getMessage());
    } catch (RuntimeException e) {
      // A fault of the compiler is the master's, never a reason to drop the minion's connection.
      log.warn("cannot compile the pillar of minion {}: {}", id, LogText.escape(e.toString()));
      log.debug("pillar of minion {}", id, e);
      return SessionReply.error(call.rid(), "pillar is unavailable: the master failed to compile it");
    }
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    body.set("pillar", pillar.pillar());
    LastPillars last = lastPillars;
    if (last != null) {
      last.compiled(id, JobJson.MAPPER.convertValue(pillar.pillar(), Map.class));
    }
    log.debug(
        "pillar of minion {} compiled ({} bytes, {} errors)",
        id,
        pillar.bytes(),
        pillar.errors().size());
    return SessionReply.ok(call.rid(), body);
  }

  private SessionReply stat(MinionId id, SessionCall call) {
    String source = call.body().path("path").asText(null);
    if (source != null && source.startsWith(StagedFiles.SCHEME)) {
      return stageStat(id, call, source);
    }
    if (files == null) {
      return SessionReply.error(call.rid(), "this master serves no files (file_roots is empty)");
    }
    if (source == null) {
      return SessionReply.error(call.rid(), "file.stat needs a path");
    }
    try {
      ServedFile file = files.resolve(source);
      served.remember(source, file);
      ObjectNode body = JobJson.MAPPER.createObjectNode();
      body.put("size", file.size());
      body.put("sha256", file.sha256Hex());
      log.debug("minion {} fetches {} ({} bytes)", id, file.source(), file.size());
      return SessionReply.ok(call.rid(), body);
    } catch (FileRequestException e) {
      log.warn("file request of minion {} refused: {}", id, e.getMessage());
      return SessionReply.error(call.rid(), e.getMessage());
    }
  }

  /**
   * {@code brine cp}'s staged file: served as a file_roots file once complete. Its 128-bit id is
   * known only to the uploader and, inside the job's publication, the targeted minions.
   */
  private SessionReply stageStat(MinionId id, SessionCall call, String source) {
    ServedFile file = staged == null ? null : staged.find(source).orElse(null);
    if (file == null) {
      log.warn("staged file request of minion {} refused: no such staged file", id);
      return SessionReply.error(
          call.rid(), "no such staged file (it expired, or the master restarted)");
    }
    served.remember(source, file);
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    body.put("size", file.size());
    body.put("sha256", file.sha256Hex());
    log.debug("minion {} fetches staged file ({} bytes)", id, file.size());
    return SessionReply.ok(call.rid(), body);
  }

  private SessionReply read(SessionCall call) throws IOException {
    String source = call.body().path("path").asText(null);
    JsonNode offset = call.body().get("offset");
    JsonNode length = call.body().get("length");
    if (source == null
        || offset == null
        || !offset.canConvertToLong()
        || length == null
        || !length.canConvertToInt()) {
      return SessionReply.error(call.rid(), "file.read needs path, offset and length");
    }
    ServedFile file = served.find(source);
    if (file == null) {
      return SessionReply.error(call.rid(), "file.stat " + source + " first");
    }
    byte[] chunk;
    try {
      chunk =
          FileRoots.readChunk(
              file, offset.asLong(), Math.max(1, Math.min(length.asInt(), MAX_CHUNK_BYTES)));
    } catch (FileRequestException e) {
      return SessionReply.error(call.rid(), e.getMessage());
    }
    ObjectNode body = JobJson.MAPPER.createObjectNode();
    body.put("data", Base64.getEncoder().encodeToString(chunk));
    return SessionReply.ok(call.rid(), body);
  }

  private static String printable(String s) {
    return s.length() > 40 || !s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
        ? "(an invalid id)"
        : s;
  }
}
