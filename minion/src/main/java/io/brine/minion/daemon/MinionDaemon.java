package io.brine.minion.daemon;

import io.brine.common.log.LogText;
import io.brine.crypto.CryptoProviders;
import io.brine.minion.auth.AcceptanceWait;
import io.brine.minion.config.MinionConfig;
import io.brine.minion.functions.FileFetcher;
import io.brine.minion.functions.FunctionContext;
import io.brine.minion.functions.FunctionRegistry;
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
import java.io.IOException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minion: one TCP connection to its master, authenticated by the handshake of
 * docs/protocol.md §2, kept up for as long as the daemon runs.
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
 *   <li>SEALED: "master is sealed; retrying" once; a new HELLO after the acceptance wait. The
 *       answer is unauthenticated and changes nothing else.
 *   <li>an answer that fails the handshake's checks (another master key than the pinned one, a
 *       fingerprint other than {@code master_finger}, a forged or replayed answer): one ERROR line
 *       per reason, the connection is closed, and the next try waits {@code reconnect_wait_max}.
 *       Nothing is pinned or overwritten.
 * </ul>
 *
 * A lost or failed connection is retried after 1 s, doubling up to {@code reconnect_wait_max},
 * plus up to a quarter at random ({@link ReconnectBackoff}), but never before a retry the master's
 * last answer asked for. Everything runs on one event-loop thread.
 */
public final class MinionDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MinionDaemon.class);

  /** How long an old publish key still opens publications after a re-authentication. */
  static final Duration PUBLISH_KEY_GRACE = Duration.ofSeconds(60);

  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** Jobs running at once; more wait in the runner's bounded queue. */
  static final int JOB_THREADS = 8;

  private record DaemonContext(MinionId minionId, FileFetcher files) implements FunctionContext {}

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
  private final Bootstrap bootstrap;
  private final MasterCalls calls;
  private final JobRunner runner;
  private final MinionJobs jobs;
  private final SecureRandom random = new SecureRandom();
  // Used on the event loop only.
  private final ReconnectBackoff backoff;
  private final AcceptanceWait acceptanceWait;
  private Instant notBefore = Instant.MIN;
  private String lastConnectFailure;
  private String lastRefusal;
  private String lastUntrusted;

  private volatile State state = State.CONNECTING;
  private volatile Channel channel;
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
      SharedThreads shared) {
    this.config = config;
    this.keys = keys;
    this.pin = pin;
    this.keyring = new PublishKeyring(Clock.systemUTC(), PUBLISH_KEY_GRACE);
    this.backoff = new ReconnectBackoff(config.reconnectWaitMax(), random);
    this.acceptanceWait =
        new AcceptanceWait(
            config.acceptanceWaitTime(), config.acceptanceWaitTimeMax(), random);
    this.ownsGroup = shared == null;
    this.group =
        ownsGroup
            ? new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("brine-minion-io", true), NioIoHandler.newFactory())
            : shared.loops();
    this.loop = group.next();
    this.calls = new MasterCalls(loop);
    FunctionContext context = new DaemonContext(config.id(), new MasterFiles(calls));
    this.runner =
        ownsGroup
            ? new JobRunner(FunctionRegistry.builtIn(), context, JOB_THREADS, jids)
            : new JobRunner(FunctionRegistry.builtIn(), context, shared.jobs(), jids);
    this.jobs = new MinionJobs(config.id(), runner, calls);
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    // MasterLink holds this connection's handshake and session: one per channel.
                    WirePipeline.install(
                        ch.pipeline(),
                        config.maxFrameBytes(),
                        AuthGate.MINION_SIDE,
                        new MasterLink(MinionDaemon.this));
                  }
                });
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
    MinionDaemon daemon = new MinionDaemon(config, keys, pin, jids, shared);
    daemon.loop.execute(daemon::connect);
    return daemon;
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
      runner.close();
      Channel c = channel;
      if (c != null) {
        c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
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
    bootstrap
        .connect(config.master(), config.masterPort())
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                lastConnectFailure = null;
                channel = f.channel();
                f.channel().closeFuture().addListener(c -> connectionClosed());
              } else {
                connectFailed(f.cause());
              }
            });
  }

  private void connectFailed(Throwable cause) {
    if (closed.get()) {
      return;
    }
    Duration wait = nextConnectWait();
    String reason = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
    if (!reason.equals(lastConnectFailure)) {
      lastConnectFailure = reason;
      log.warn("cannot reach master {}: {}; retrying in {}", masterAddress(), reason, secs(wait));
    } else {
      log.debug("cannot reach master {}: {}; retrying in {}", masterAddress(), reason, secs(wait));
    }
    loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void connectionClosed() {
    channel = null;
    if (closed.get()) {
      return;
    }
    Duration wait = nextConnectWait();
    if (state == State.AUTHENTICATED || state == State.HANDSHAKING) {
      log.warn("lost the connection to master {}; reconnecting in {}", masterAddress(), secs(wait));
      setState(State.CONNECTING);
    } else {
      log.debug("connection to master {} closed; reconnecting in {}", masterAddress(), secs(wait));
    }
    loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The backoff's next wait, but not before a retry the master's last answer asked for. */
  private Duration nextConnectWait() {
    Duration wait = backoff.next();
    Duration asked = Duration.between(Instant.now(), notBefore);
    return asked.compareTo(wait) > 0 ? asked : wait;
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

  MinionJobs jobs() {
    return jobs;
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
    lastRefusal = null;
    lastUntrusted = null;
    setState(State.AUTHENTICATED);
    sessionsStarted.incrementAndGet();
    if (again) {
      log.info("re-authenticated to master {} (epoch {})", masterAddress(), epoch);
    } else {
      log.info("authenticated to master {} (epoch {})", masterAddress(), epoch);
    }
    authenticated.complete(null);
  }

  /** PENDING: the wait before the next HELLO. */
  Duration pending(String reason) {
    answered();
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
    String line = type + ": " + reason;
    if (!line.equals(lastRefusal)) {
      lastRefusal = line;
      log.error(
          "the master {} {} this minion's key ({}); an operator must accept it (brine key -a {});"
              + " retrying every {}",
          masterAddress(),
          type,
          LogText.escape(reason),
          config.id(),
          secs(base));
    }
    setState(State.REFUSED);
    return retryNotBefore(ReconnectBackoff.withJitter(base, random));
  }

  /** SEALED: the wait before the next HELLO. */
  Duration sealed() {
    answered();
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
    if (!reason.equals(lastUntrusted)) {
      lastUntrusted = reason;
      log.error(
          "refusing master {}: {}; retrying in {}",
          masterAddress(),
          shown,
          secs(config.reconnectWaitMax()));
    } else {
      log.debug("refusing master {} again: {}", masterAddress(), shown);
    }
    setState(State.UNTRUSTED);
    retryNotBefore(ReconnectBackoff.withJitter(config.reconnectWaitMax(), random));
  }

  void publicationOpened() {
    publicationsOpened.incrementAndGet();
  }

  void publicationDropped() {
    publicationsDropped.incrementAndGet();
  }

  String masterAddress() {
    return config.master() + ":" + config.masterPort();
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
