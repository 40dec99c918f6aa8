package io.brine.minion.daemon;

import io.brine.common.log.LogText;
import io.brine.crypto.CryptoProviders;
import io.brine.minion.auth.AcceptanceWait;
import io.brine.minion.config.FailoverConfig;
import io.brine.minion.config.MasterAddress;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.PillarSource;
import io.brine.minion.functions.FunctionRegistry;
import io.brine.minion.functions.builtin.Grains;
import io.brine.minion.jobs.JidMemory;
import io.brine.minion.jobs.JobRunner;
import io.brine.minion.keys.KeyFileException;
import io.brine.minion.keys.MasterKeyPin;
import io.brine.minion.keys.MinionKeyFiles;
import io.brine.protocol.MinionId;
import io.brine.protocol.handshake.MasterTrust;
import io.brine.protocol.publish.PublishKeyring;
import io.brine.protocol.wire.AuthGate;
import io.brine.protocol.wire.WirePipeline;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion: one TCP connection to its master, authenticated by the handshake of
 * docs/protocol.md §2, kept up for as long as the daemon runs. With several masters ({@code
 * master} as a list: a brine cluster, whose masters share the minion keys, the jobs and the master
 * key) it is still one connection, to one master at a time ({@link MasterRotation}).
 *
 * <p>What it does with each answer ({@link MasterLink} reads them):
 *
 * <ul>
 *   <li>WELCOME: the master key is pinned (first contact) or checked against the pin, the session
 *       and the publish key are installed: "authenticated to master host:port (epoch N)".
 *   <li>PENDING: one INFO line per pending spell; a new HELLO on the same connection every {@code
 *       acceptance_wait_time}, growing up to {@code acceptance_wait_time_max}, with jitter.
 *   <li>REJECTED, DENIED: one ERROR line per reason; a new HELLO every {@code
 *       acceptance_wait_time_max} (or {@code acceptance_wait_time} when that is 0). Salt's minion
 *       exits (code 77) here. brine keeps trying instead, so an operator who accepts the key after
 *       all ({@code brine key -a}) does not also have to restart the minion, and a process
 *       supervisor does not restart it in a tight loop. The log says what to do.
 *   <li>SEALED: "master is sealed; retrying" once; a new HELLO after the acceptance wait (with
 *       several masters: the next master at once, see below). The answer is unauthenticated and
 *       changes nothing else: it is worth no more than a dropped connection, and moves no further.
 *   <li>an answer that fails the handshake's checks (another master key than the pinned one, a
 *       fingerprint other than {@code master_finger}, a forged or replayed answer): one ERROR line
 *       per reason, the connection is closed, and the next try waits {@code reconnect_wait_max}.
 *       Nothing is pinned or overwritten.
 * </ul>
 *
 * A lost or failed connection is retried after 1 s, doubling up to {@code reconnect_wait_max},
 * plus up to a quarter at random ({@link ReconnectBackoff}), but never before a retry the master's
 * last answer asked for.
 *
 * <p>With several masters the minion moves on to the next one, at once, when its master refuses
 * the connection, closes it, answers SEALED, fails the handshake's checks (another key than the
 * pinned one: refused as with one master), or stays silent past {@code master_alive_interval}
 * ({@link AliveCheck}); one line per move names both. Only after a full round over the list does it
 * wait: its backoff, and at least the slowest retry an answer of that round asked for (SEALED: the
 * acceptance wait; a failed check: {@code reconnect_wait_max}). PENDING, REJECTED and DENIED keep
 * it where it is: the masters share the keys, so the next one would answer the same. With {@code
 * master_failback} it tries the first master every {@code master_failback_interval} while it is on
 * another, over a second connection that replaces the first only once it is welcomed. Everything
 * runs on one event-loop thread.
 */
public final class MinionDaemon implements AutoCloseable {
  /** Why the minion leaves a master whose open connection went away. */
  private static final String CONNECTION_CLOSED = "closed the connection";

  private static final Logger log = LoggerFactory.getLogger(MinionDaemon.class);

  /** How long an old publish key still opens publications after a re-authentication. */
  static final Duration PUBLISH_KEY_GRACE = Duration.ofSeconds(60);

  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** Distinct move lines kept to tell a repeat; beyond this every move logs at DEBUG. */
  private static final int MAX_LOGGED_MOVES = 64;

  /** Jobs running at once; more wait in the runner's bounded queue. */
  static final int JOB_THREADS = 8;

  private record DaemonContext(MinionId minionId, FileFetcher files, PillarSource pillar)
      implements FunctionContext {}

  /** Where the minion is with its master. */
  public enum State {
    /** Connecting, or waiting to reconnect after a lost connection. */
    CONNECTING,
    /** Connected; a HELLO is out. */
    HANDSHAKING,
    /** The master holds the key for an operator; HELLO is re-sent after the acceptance wait. */
    PENDING,
    /** The master rejected or denied the key; HELLO is re-sent after the longest wait. */
    REFUSED,
    /** The master's vault is sealed; HELLO is re-sent after the acceptance wait. */
    SEALED,
    /** The master failed the handshake's checks (another key, a forged answer); retrying slowly. */
    UNTRUSTED,
    /** Authenticated; the session and the publish key are installed. */
    AUTHENTICATED,
    /** {@link #close} was called. */
    CLOSED
  }

  private final MinionConfig config;
  private final KeyPair keys;
  private final MasterKeyPin pin;
  private final PublishKeyring keyring;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  /** This minion's one thread: its connection, its state, its calls (one of a shared group). */
  private final EventLoop loop;
  /** The connection's settings; cloned for each connection, with that connection's link. */
  private final Bootstrap bootstrap;
  private final MasterCalls calls;
  private final MasterFiles files;
  private final MasterPillar pillar;
  /**
   * A call session's daemon ({@link #startCallSession}) runs no jobs, reports no grains, never
   * fails back and gives up at the first refusal or after one round of the masters.
   */
  private final boolean callSession;
  /** Null for a call session: it runs no job. */
  private final JobRunner runner;
  /** Null for a call session. */
  private final MinionJobs jobs;
  private final Grains grains;
  private final GrainsReport grainsReport;
  private final SecureRandom random = new SecureRandom();
  // Used on the event loop only.
  private final ReconnectBackoff backoff;
  private final AcceptanceWait acceptanceWait;
  private final MasterRotation rotation;
  /** The next attempt, on whichever master, waits for this: the retry a refusal asked for. */
  private Instant notBefore = Instant.MIN;
  /** The end of a round waits for this: the slowest retry asked by a master left in the round. */
  private Instant roundNotBefore = Instant.MIN;
  /** Why the current connection is being given up, for the move's line; null: the master closed. */
  private String leaveReason;
  private boolean leaveLogged;
  /** Move lines logged at WARN since the last authentication; a repeat goes to DEBUG. */
  private final Set<String> loggedMoves = new HashSet<>();
  private String lastRefusal;
  private String lastUntrusted;
  private MasterLink link;
  /** A failback probe's connection to the first master, while one is open. */
  private Channel probe;
  private ScheduledFuture<?> failbackTimer;

  private volatile State state = State.CONNECTING;
  private volatile Channel channel;
  private volatile MasterAddress currentMaster;
  private final CompletableFuture<Void> authenticated = new CompletableFuture<>();
  private final AtomicLong sessionsStarted = new AtomicLong();
  private final AtomicLong publicationsOpened = new AtomicLong();
  private final AtomicLong publicationsDropped = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private MinionDaemon(
      MinionConfig config,
      KeyPair keys,
      MasterKeyPin pin,
      JidMemory jids,
      SharedThreads shared,
      Random shuffle) {
    this.config = config;
    this.callSession = jids == null;
    this.keys = keys;
    this.pin = pin;
    this.keyring = new PublishKeyring(Clock.systemUTC(), PUBLISH_KEY_GRACE);
    this.backoff = new ReconnectBackoff(config.reconnectWaitMax(), random);
    this.acceptanceWait =
        new AcceptanceWait(
            config.acceptanceWaitTime(), config.acceptanceWaitTimeMax(), random);
    FailoverConfig failover = config.failover();
    this.rotation =
        new MasterRotation(
            config.masters(), failover.randomMaster(), failover.failback(), shuffle);
    this.currentMaster = rotation.current();
    this.ownsGroup = shared == null;
    this.group =
        ownsGroup
            ? new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("brine-minion-io", true), NioIoHandler.newFactory())
            : shared.loops();
    this.loop = group.next();
    this.calls = new MasterCalls(loop);
    this.files = new MasterFiles(calls);
    this.pillar = new MasterPillar(calls);
    FunctionContext context = new DaemonContext(config.id(), files, pillar);
    this.grains = new Grains(config.grains(), config.grainsFile());
    this.grainsReport = new GrainsReport(config.id(), grains, calls);
    if (callSession) {
      this.runner = null;
      this.jobs = null;
    } else {
      FunctionRegistry functions = FunctionRegistry.builtIn(grains);
      this.runner =
          ownsGroup
              ? new JobRunner(functions, context, JOB_THREADS, jids)
              : new JobRunner(functions, context, shared.jobs(), jids);
      this.jobs = new MinionJobs(config.id(), grains, runner, calls, pillar);
      // grains.setval: the master's grain targets see the new value at once.
      grains.onChange(grainsReport::send);
    }
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.TCP_NODELAY, true);
  }

  /** A connection to {@code master}, its pipeline ending in a link of its own. */
  private ChannelFuture open(MasterAddress master, boolean failbackProbe) {
    return bootstrap
        .clone()
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                // MasterLink holds this connection's handshake and session: one per channel.
                MasterLink next = new MasterLink(MinionDaemon.this, master, failbackProbe);
                if (!failbackProbe) {
                  link = next;
                }
                WirePipeline.install(
                    ch.pipeline(), config.maxFrameBytes(), AuthGate.MINION_SIDE, next);
              }
            })
        .connect(master.host(), master.port());
  }

  /**
   * Loads (or makes, at the first start) the minion's key pair, checks the pinned master key if
   * there is one, and starts connecting. Returns at once; the daemon authenticates in the
   * background.
   *
   * @throws KeyFileException if {@code minion.pem}, {@code minion_master.pub} or the jid memory
   *     in {@code cachedir} cannot be used
   */
  public static MinionDaemon start(MinionConfig config) throws KeyFileException {
    return start(config, null);
  }

  /**
   * As {@link #start(MinionConfig)}, on {@code shared} threads instead of threads of its own: many
   * minions in one JVM (the load generator in bench/) share a few event loops and one job pool.
   * {@link #close} then leaves them running; their owner shuts them down.
   */
  public static MinionDaemon start(MinionConfig config, SharedThreads shared)
      throws KeyFileException {
    return start(config, shared, new SecureRandom());
  }

  /** As {@link #start(MinionConfig, SharedThreads)}, {@code random_master} shuffling with {@code shuffle}. */
  static MinionDaemon start(MinionConfig config, SharedThreads shared, Random shuffle)
      throws KeyFileException {
    Objects.requireNonNull(config, "config");
    // Before the first key is read, so the minion's keys are the chosen provider's own.
    CryptoProviders.apply(config.cryptoProvider());
    KeyPair keys = MinionKeyFiles.in(config.minionPkiDir()).loadOrCreate(config.keysize());
    MasterKeyPin pin = new MasterKeyPin(config.minionPkiDir(), config.masterFinger());
    pin.pinned(); // a damaged pin fails the start, not every handshake
    JidMemory jids;
    try {
      jids = JidMemory.open(config.cachedir(), config.publishMaxAge(), Clock.systemUTC());
    } catch (IOException e) {
      // Without it the minion could not tell a replayed job from a new one: it does not start.
      throw new KeyFileException(
          "cannot use the jid memory in " + config.cachedir() + ": " + e.getMessage(), e);
    }
    MinionDaemon daemon = new MinionDaemon(config, keys, pin, jids, shared, shuffle);
    daemon.logMasters();
    daemon.loop.execute(daemon::connect);
    return daemon;
  }

  /**
   * A call session for {@code brine call} on this host (docs/protocol.md §2.1): the minion's own
   * keys and pinned master key, a HELLO with the call flag, so that the master authenticates it
   * without making it the minion's connection (the running daemon keeps its own). It runs no job
   * and leaves the daemon's jid memory and grains alone. Returns at once; {@link #authenticated}
   * completes when the session takes calls, or fails with a {@link CallSessionRefused} at the
   * master's first refusal, a failed check, or when no master of the list could be reached.
   *
   * @throws KeyFileException if {@code minion.pem} or {@code minion_master.pub} cannot be used
   */
  public static MinionDaemon startCallSession(MinionConfig config) throws KeyFileException {
    Objects.requireNonNull(config, "config");
    CryptoProviders.apply(config.cryptoProvider());
    KeyPair keys = MinionKeyFiles.in(config.minionPkiDir()).loadOrCreate(config.keysize());
    MasterKeyPin pin = new MasterKeyPin(config.minionPkiDir(), config.masterFinger());
    pin.pinned();
    MinionDaemon daemon = new MinionDaemon(config, keys, pin, null, null, new SecureRandom());
    daemon.loop.execute(daemon::connect);
    return daemon;
  }

  /**
   * Why a call session could not be had: one line for the operator, in the words the daemon would
   * log.
   */
  public static final class CallSessionRefused extends Exception {
    private static final long serialVersionUID = 1L;

    CallSessionRefused(String line) {
      super(line, null, false, false);
    }
  }

  /** The master's file server over this daemon's session ({@code cp.get_file}, salt://). */
  public FileFetcher masterFiles() {
    return files;
  }

  /** This minion's pillar from the master, held in memory ({@code brine call} with a master). */
  public PillarSource masterPillar() {
    return pillar;
  }

  /** A call session ends at its first refusal: the CLI says why and exits. */
  private boolean failCallSession(String line) {
    if (!callSession) {
      return false;
    }
    authenticated.completeExceptionally(new CallSessionRefused(line));
    return true;
  }

  /** With several masters, one line: their order, and what brine makes of Salt's hot mode. */
  private void logMasters() {
    if (!rotation.several()) {
      return;
    }
    String order =
        rotation.order().stream().map(MasterAddress::toString).collect(Collectors.joining(", "));
    String shuffled = config.failover().randomMaster() ? " (shuffled: random_master)" : "";
    if (config.failover().type() == FailoverConfig.Type.STR) {
      log.info(
          "masters {}{}: master_type str with a list is Salt's hot multi-master, but brine keeps"
              + " one connection and fails over, since a brine cluster's masters share the keys"
              + " and the jobs",
          order,
          shuffled);
    } else {
      log.info("masters {}{}: one connection, failing over in this order", order, shuffled);
    }
  }

  public MinionConfig config() {
    return config;
  }

  public MinionId id() {
    return config.id();
  }

  public State state() {
    return state;
  }

  /** The master the minion is connected to, or is trying next. */
  public MasterAddress currentMaster() {
    return currentMaster;
  }

  /** Completes the first time the minion is authenticated. */
  public CompletableFuture<Void> authenticated() {
    return authenticated;
  }

  /** The epoch of the current publish key, or -1 before the first WELCOME. */
  public int publishEpoch() {
    return keyring.currentEpoch();
  }

  /** WELCOMEs taken: first authentications and re-authentications, over every connection. */
  public long sessionsStarted() {
    return sessionsStarted.get();
  }

  /** Publications that verified and decrypted. */
  public long publicationsOpened() {
    return publicationsOpened.get();
  }

  /** Publications dropped: not signed by the master, unknown epoch, or not decrypting. */
  public long publicationsDropped() {
    return publicationsDropped.get();
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /** Closes the connection, stops retrying and releases {@link #awaitShutdown}. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    state = State.CLOSED;
    try {
      if (runner != null) {
        runner.close();
      }
      Channel c = channel;
      if (c != null) {
        c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
      Channel p = probe;
      if (p != null) {
        p.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
      if (ownsGroup) {
        group
            .shutdownGracefully(0, 2, TimeUnit.SECONDS)
            .awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    } finally {
      authenticated.cancel(false);
      log.info("minion {} stopped", config.id());
      stopped.countDown();
    }
  }

  // ---- the connection loop (event loop) ----

  private void connect() {
    if (closed.get()) {
      return;
    }
    MasterAddress target = rotation.current();
    currentMaster = target;
    open(target, false)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                connectFailed(f.cause());
                return;
              }
              Channel ch = f.channel();
              if (closed.get()) {
                ch.close(); // close() ran while this connect was in flight
                return;
              }
              channel = ch;
              ch.closeFuture().addListener(c -> connectionClosed(ch));
            });
  }

  private void connectFailed(Throwable cause) {
    if (closed.get()) {
      return;
    }
    String reason = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    moveOn("is unreachable (" + reason + ")", false);
  }

  private void connectionClosed(Channel ch) {
    if (ch != channel) {
      return; // a connection a failback replaced
    }
    channel = null;
    link = null;
    closeProbe();
    if (closed.get()) {
      return;
    }
    boolean wasUp = state == State.AUTHENTICATED || state == State.HANDSHAKING;
    String why = leaveReason != null ? leaveReason : CONNECTION_CLOSED;
    // Closed after a refusal with one master: the refusal's line said it all (as before failover).
    boolean quiet = leaveLogged || (!wasUp && leaveReason == null && !rotation.several());
    leaveReason = null;
    leaveLogged = false;
    if (wasUp) {
      setState(State.CONNECTING);
    }
    moveOn(why, quiet);
  }

  /**
   * Gives up on the current master: the next one at once, or after the round's wait when every
   * master has been tried (with one master, every attempt ends a round). One line, naming both.
   */
  private void moveOn(String why, boolean quiet) {
    MasterAddress from = rotation.current();
    boolean roundOver = rotation.next();
    MasterAddress to = rotation.current();
    if (callSession && (roundOver || !rotation.several())) {
      String what =
          why.equals(CONNECTION_CLOSED)
              ? "master " + from + " closed the connection"
              : "master " + from + " " + why;
      failCallSession(what + (rotation.several() ? " (every master tried)" : ""));
      return;
    }
    Duration wait = roundOver ? roundOverWait() : untilNotBefore();
    currentMaster = to;
    // A connection that was open and went: "lost the connection to master A", the words the
    // single-master minion has always logged (and operators' alerts may look for).
    String what =
        why.equals(CONNECTION_CLOSED)
            ? "lost the connection to master " + from
            : "master " + from + " " + why;
    String line;
    if (!rotation.several()) {
      line = what + "; retrying in " + secs(wait);
    } else {
      line =
          what
              + "; trying master "
              + to
              + (roundOver ? " (every master tried)" : "")
              + (wait.isZero() ? "" : " in " + secs(wait));
    }
    String key = from + " " + why + " " + to;
    if (!quiet && loggedMoves.size() < MAX_LOGGED_MOVES && loggedMoves.add(key)) {
      log.warn(line);
    } else {
      log.debug(line);
    }
    loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** After a full round: the backoff, and no sooner than any retry this round's answers asked for. */
  private Duration roundOverWait() {
    Instant now = Instant.now();
    Duration wait = backoff.next();
    for (Instant asked : List.of(notBefore, roundNotBefore)) {
      Duration d = Duration.between(now, asked);
      wait = d.compareTo(wait) > 0 ? d : wait;
    }
    roundNotBefore = Instant.MIN;
    return wait;
  }

  /** Within a round: at once, unless a refusal's retry time (which holds for every master) is not yet up. */
  private Duration untilNotBefore() {
    Duration d = Duration.between(Instant.now(), notBefore);
    return d.isNegative() ? Duration.ZERO : d;
  }

  // ---- failback (event loop) ----

  /** While on another master than the first, tries the first every master_failback_interval. */
  private void scheduleFailback() {
    if (!config.failover().failback()
        || closed.get()
        || rotation.onFirst()
        || failbackTimer != null
        || probe != null) {
      return;
    }
    Duration every = config.failover().failbackInterval();
    failbackTimer = loop.schedule(this::tryFailback, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tryFailback() {
    failbackTimer = null;
    if (closed.get() || rotation.onFirst() || state != State.AUTHENTICATED || probe != null) {
      return; // authenticatedAs schedules it again
    }
    MasterAddress first = rotation.first();
    open(first, true)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                failbackNotReady(first, "is unreachable (" + f.cause().getMessage() + ")");
                return;
              }
              Channel ch = f.channel();
              if (closed.get() || state != State.AUTHENTICATED) {
                ch.close();
                return;
              }
              probe = ch;
              ch.closeFuture()
                  .addListener(
                      c -> {
                        if (probe == ch) {
                          probe = null;
                          scheduleFailback();
                        }
                      });
            });
  }

  private void closeProbe() {
    Channel p = probe;
    probe = null;
    if (p != null) {
      p.close();
    }
    if (failbackTimer != null) {
      failbackTimer.cancel(false);
      failbackTimer = null;
    }
  }

  // ---- called by MasterLink, on the event loop ----

  MinionId minionId() {
    return config.id();
  }

  KeyPair keys() {
    return keys;
  }

  PublishKeyring keyring() {
    return keyring;
  }

  MasterCalls calls() {
    return calls;
  }

  /** Null for a call session, which runs no job. */
  MinionJobs jobs() {
    return jobs;
  }

  /** Whether this daemon is a call session's ({@link #startCallSession}). */
  boolean isCallSession() {
    return callSession;
  }

  /** Pinned key if there is one, else master_finger if set, else first contact. */
  MasterTrust trust() throws KeyFileException {
    Optional<RSAPublicKey> pinned = pin.pinned();
    if (pinned.isPresent()) {
      return MasterTrust.pinned(pinned.get());
    }
    if (config.masterFinger() != null) {
      return MasterTrust.finger(config.masterFinger());
    }
    return MasterTrust.firstContact();
  }

  /** A HELLO is out. A refusal's state stays until another answer replaces it. */
  void handshaking() {
    if (state == State.CONNECTING) {
      setState(State.HANDSHAKING);
    }
  }

  /** Pins the master key at first contact, or checks it against the pin. */
  void acceptMasterKey(RSAPublicKey masterKey) throws KeyFileException {
    pin.acceptOrRefuse(masterKey);
  }

  /** Replaces the pin with the master's successor key, which has just authenticated. */
  void repinMasterKey(RSAPublicKey successor, int epoch, RSAPublicKey vouchedBy)
      throws KeyFileException {
    pin.repin(successor, epoch, vouchedBy);
  }

  void authenticatedAs(int epoch, boolean again) {
    backoff.reset();
    acceptanceWait.reset();
    notBefore = Instant.MIN;
    roundNotBefore = Instant.MIN;
    lastRefusal = null;
    lastUntrusted = null;
    loggedMoves.clear();
    rotation.settled();
    setState(State.AUTHENTICATED);
    sessionsStarted.incrementAndGet();
    if (again) {
      log.info("re-authenticated to master {} (epoch {})", masterAddress(), epoch);
    } else {
      log.info("authenticated to master {} (epoch {})", masterAddress(), epoch);
    }
    authenticated.complete(null);
    if (callSession) {
      return; // the daemon's own connection reports the grains; a call session never fails back
    }
    if (!again) {
      // A new connection, perhaps to another master of a cluster: it learns the grains now
      // (queued, this goes out as soon as the session takes calls).
      grainsReport.send();
    }
    scheduleFailback();
  }

  /** PENDING: the wait before the next HELLO. */
  Duration pending(String reason) {
    answered();
    if (failCallSession(
        "Minion failed to authenticate with the master, has the minion key been accepted? (the"
            + " master "
            + masterAddress()
            + " answered PENDING: "
            + LogText.escape(reason)
            + "; "
            + acceptHint("PENDING", config.id())
            + ")")) {
      return config.acceptanceWaitTime();
    }
    Duration wait = acceptanceWait.next();
    if (state != State.PENDING) {
      log.info(
          "key pending on the master {} ({}); retrying every {}{}",
          masterAddress(),
          LogText.escape(reason), // on first contact, anyone on the path could have signed it
          secs(config.acceptanceWaitTime()),
          config.acceptanceWaitTimeMax().isZero()
              ? ""
              : ", growing to " + secs(config.acceptanceWaitTimeMax()));
      setState(State.PENDING);
    }
    return retryNotBefore(wait);
  }

  /** REJECTED or DENIED: the wait before the next HELLO. */
  Duration refused(String type, String reason) {
    answered();
    Duration base =
        config.acceptanceWaitTimeMax().isZero()
            ? config.acceptanceWaitTime()
            : config.acceptanceWaitTimeMax();
    if (failCallSession(
        "the master "
            + masterAddress()
            + " "
            + type
            + " this minion's key ("
            + LogText.escape(reason)
            + "); "
            + acceptHint(type, config.id()))) {
      return base;
    }
    String line = type + ": " + reason;
    if (!line.equals(lastRefusal)) {
      lastRefusal = line;
      log.error(
          "the master {} {} this minion's key ({}); {}; retrying every {}",
          masterAddress(),
          type,
          LogText.escape(reason),
          acceptHint(type, config.id()),
          secs(base));
    }
    setState(State.REFUSED);
    return retryNotBefore(ReconnectBackoff.withJitter(base, random));
  }

  /**
   * What an operator runs to accept a refused key: {@code brine key -a} alone moves pending keys
   * only, as {@code salt-key -a} does, so a rejected or denied key needs its include flag.
   */
  static String acceptHint(String type, MinionId id) {
    return switch (type) {
      case "REJECTED" -> "an operator must accept it (brine key -a " + id + " --include-rejected)";
      case "DENIED" ->
          "another key is accepted for this id: an operator who trusts this one accepts it in"
              + " place of that one (brine key -a "
              + id
              + " --include-denied)";
      default -> "an operator must accept it (brine key -a " + id + ")";
    };
  }

  /**
   * SEALED, with other masters to try: the connection is given up for the next master, which
   * may be unsealed; this one is not asked again before the acceptance wait. With one master,
   * false: the link waits ({@link #sealed}) and asks again on the same connection.
   */
  boolean leavesSealedMaster() {
    if (!rotation.several() || callSession) {
      return false;
    }
    answered();
    Instant again = Instant.now().plus(acceptanceWait.next());
    roundNotBefore = again.isAfter(roundNotBefore) ? again : roundNotBefore;
    setState(State.SEALED);
    leaving("is sealed", false);
    return true;
  }

  /** SEALED: the wait before the next HELLO. */
  Duration sealed() {
    answered();
    if (failCallSession("master " + masterAddress() + " is sealed")) {
      return config.acceptanceWaitTime();
    }
    Duration wait = acceptanceWait.next();
    if (state != State.SEALED) {
      log.warn(
          "master {} is sealed; retrying every {}",
          masterAddress(),
          secs(config.acceptanceWaitTime()));
      setState(State.SEALED);
    }
    return retryNotBefore(wait);
  }

  /**
   * The master answered a HELLO: the link works, so a lost connection is retried at once rather
   * than after a grown backoff. The master closes a refused connection that stays quiet longer
   * than its {@code refused_idle_timeout}; the reconnect then waits only for the answer's retry
   * time ({@link #retryNotBefore}).
   */
  private void answered() {
    backoff.reset();
  }

  /** The master failed the handshake's checks; the connection closes and the next try is slow. */
  void untrusted(String reason) {
    // Often a parser's view of what a peer sent, before anything about it was verified.
    String shown = LogText.escape(reason);
    if (failCallSession("refusing master " + masterAddress() + ": " + shown)) {
      setState(State.UNTRUSTED);
      return;
    }
    String next =
        rotation.several()
            ? "trying the next master"
            : "retrying in " + secs(config.reconnectWaitMax());
    if (!reason.equals(lastUntrusted)) {
      lastUntrusted = reason;
      log.error("refusing master {}: {}; {}", masterAddress(), shown, next);
    } else {
      log.debug("refusing master {} again: {}", masterAddress(), shown);
    }
    setState(State.UNTRUSTED);
    // Not this master again before reconnect_wait_max; another one of the list may be tried.
    Instant again =
        Instant.now().plus(ReconnectBackoff.withJitter(config.reconnectWaitMax(), random));
    roundNotBefore = again.isAfter(roundNotBefore) ? again : roundNotBefore;
    leaving("failed the handshake's checks", !rotation.several());
  }

  /**
   * The current connection is being closed for {@code reason}; the move's line gives it.
   *
   * @param logged the reason has had its own line: the move is logged at DEBUG
   */
  void leaving(String reason, boolean logged) {
    leaveReason = reason;
    leaveLogged = logged;
  }

  /**
   * A failback probe is welcomed by the first master: its connection replaces the current one,
   * whose calls out fail (a return goes again under the new session). False when the minion has
   * meanwhile lost its connection or stopped: the probe is dropped, the usual round goes on.
   */
  boolean adoptFailback(MasterLink probeLink, Channel probeChannel) {
    Channel old = channel;
    if (closed.get() || state != State.AUTHENTICATED || old == null || probe != probeChannel) {
      return false;
    }
    MasterAddress from = rotation.current();
    probe = null;
    if (link != null) {
      link.retire();
    }
    calls.connectionLost();
    link = probeLink;
    channel = probeChannel;
    rotation.backToFirst();
    currentMaster = rotation.current();
    probeChannel.closeFuture().addListener(c -> connectionClosed(probeChannel));
    log.info(
        "master {} answers again: leaving master {} for it (master_failback)",
        rotation.current(),
        from);
    old.close();
    return true;
  }

  /** A failback probe failed; the minion stays, and tries again after the interval. */
  void failbackNotReady(MasterAddress first, String why) {
    log.debug("failback: master {} {}; staying on master {}", first, why, rotation.current());
    scheduleFailback();
  }

  void publicationOpened() {
    publicationsOpened.incrementAndGet();
  }

  void publicationDropped() {
    publicationsDropped.incrementAndGet();
  }

  String masterAddress() {
    return rotation.current().toString();
  }

  private void setState(State next) {
    if (!closed.get()) {
      state = next;
    }
  }

  private Duration retryNotBefore(Duration wait) {
    notBefore = Instant.now().plus(wait);
    return wait;
  }

  private static String secs(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0
        ? (millis / 1000) + " s"
        : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
