package io.brine.master.listener;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.MasterConfig;
import io.brine.master.config.VaultConfig;
import io.brine.master.net.AcceptErrors;
import io.brine.master.pki.AcceptedKeys;
import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.KeyStatus;
import io.brine.master.pki.MinionKeyStore;
import io.brine.master.publish.PublishKeyRotator;
import io.brine.protocol.MinionId;
import io.brine.protocol.publish.PublishKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where minions connect ({@code interface}:{@code ret_port}, Netty NIO): each connection runs the
 * handshake of docs/protocol.md §2 and then its session. It works while the vault is sealed,
 * answering SEALED, so minions keep retrying and authenticate once an operator unseals.
 *
 * <p>It follows the publish key: after each rotation it asks connected minions to re-authenticate
 * over their connections ({@link Reauthentication}). When an accepted key is removed, the caller
 * passes the {@link KeyChanges} to {@link #onKeysChanged}, which closes that minion's connection and
 * rotates the publish key before it returns. A key removed elsewhere (another master, behind the
 * master's back) is noticed by the key store's watch ({@link AcceptedKeysWatch}) and at every
 * publication ({@link #seal}), and treated the same way ({@link RemovedKeys}).
 */
public final class MinionListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MinionListener.class);

  private static final long QUIET_PERIOD_MILLIS = 100;
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  /**
   * Seals of one publication before giving up: each retry needs a further accepted key removed by
   * this master while the previous seal was made.
   */
  private static final int MAX_SEAL_ATTEMPTS = 8;
  /**
   * How long a standby's publication waits for the active's new key after a removal: the standby
   * re-reads the cluster's key each second, and the active wrote it before its job was queued. It
   * holds up the standby's queue meanwhile, so not longer (docs/security.md, the cluster's limits).
   */
  private static final Duration STANDBY_KEY_WAIT = Duration.ofSeconds(5);

  /** Makes a PUBLISH body under a given publish key (encrypt, sign). */
  public interface Sealing {
    byte[] seal(PublishKey key) throws GeneralSecurityException;
  }

  /** A PUBLISH body and the epoch of the key it is sealed under. */
  public record Sealed(int epoch, byte[] envelope) {}

  private final EventLoopGroup io;
  private final Handshakes handshakes;
  private final ConnectedMinions connected;
  private final PublishKeyRotator rotator;
  private final RemovedKeys removed;
  private final AcceptedKeysWatch watch;
  private final Channel server;
  private final InetSocketAddress local;

  private MinionListener(
      EventLoopGroup io,
      Handshakes handshakes,
      ConnectedMinions connected,
      PublishKeyRotator rotator,
      RemovedKeys removed,
      AcceptedKeysWatch watch,
      Channel server) {
    this.io = io;
    this.handshakes = handshakes;
    this.connected = connected;
    this.rotator = rotator;
    this.removed = removed;
    this.watch = watch;
    this.server = server;
    this.local = (InetSocketAddress) server.localAddress();
  }

  /**
   * Listens on {@code config}'s interface and port.
   *
   * @param masterKey the master's key pair while the vault is unsealed, empty while sealed
   * @param rotator started: the listener reads its current key and hears its rotations
   * @param requests what to do with a minion's REQUEST
   * @throws IOException when the address cannot be bound
   */
  public static MinionListener start(
      MasterConfig.Minions config,
      Supplier<Optional<KeyPair>> masterKey,
      MinionKeyStore pki,
      PublishKeyRotator rotator,
      SessionRequests requests)
      throws IOException {
    return start(
        config, masterKey, pki, rotator, requests, VaultConfig.ApiLimits.DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * As {@link #start(MasterConfig.Minions, Supplier, MinionKeyStore, PublishKeyRotator,
   * SessionRequests)}, keeping the file descriptors of {@code apiConnections} operator API
   * connections out of what minions may take.
   */
  public static MinionListener start(
      MasterConfig.Minions config,
      Supplier<Optional<KeyPair>> masterKey,
      MinionKeyStore pki,
      PublishKeyRotator rotator,
      SessionRequests requests,
      int apiConnections)
      throws IOException {
    return start(
        config, masterKey, () -> PreviousMasterKeys.NONE, pki, rotator, requests, apiConnections);
  }

  /**
   * As {@link #start(MasterConfig.Minions, Supplier, MinionKeyStore, PublishKeyRotator,
   * SessionRequests, int)}, opening the tokens of minions pinned to a previous master key with
   * {@code previousKeys} (docs/protocol.md §2.8).
   *
   * @param previousKeys the previous master keys in their grace; the same object until they change
   */
  public static MinionListener start(
      MasterConfig.Minions config,
      Supplier<Optional<KeyPair>> masterKey,
      Supplier<PreviousMasterKeys> previousKeys,
      MinionKeyStore pki,
      PublishKeyRotator rotator,
      SessionRequests requests,
      int apiConnections)
      throws IOException {
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("brine-minion-io", true), NioIoHandler.newFactory());
    Handshakes handshakes =
        new Handshakes(
            masterKey,
            previousKeys,
            pki,
            rotator,
            config.handshakeThreads(),
            config.maxPendingHandshakes(),
            config.admission().maxHandshakesPerAddress(),
            config.admission().newKeysPerAddressPerMinute(),
            io);
    pki.limitPendingKeys(config.admission().maxPendingKeys());
    ConnectedMinions connected = new ConnectedMinions();
    Reauthentication reauth = new Reauthentication(connected, rotator, config.reauthWindow());
    ChannelFuture bound =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            // Out of descriptors: one throttled line and a pause, not a stack trace per accept.
            .handler(
                new AcceptErrors(
                    new RefusalLog(
                        log,
                        "minion listener: cannot accept connections",
                        RefusalLog.DEFAULT_INTERVAL,
                        io)))
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new MinionListenerInitializer(
                    config.maxFrameBytes(),
                    handshakes,
                    connected,
                    reauth,
                    requests,
                    config.admission(),
                    new ConnectionLimits(
                        config.admission().maxConnections(),
                        config.admission().maxUnauthenticatedPerAddress(),
                        apiConnections,
                        io)))
            .bind(config.interfaceHost(), config.retPort())
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      handshakes.close();
      io.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .awaitUninterruptibly();
      Throwable cause = bound.cause();
      throw new IOException(
          "cannot listen for minions on "
              + hostPort(config.interfaceHost(), config.retPort())
              + ": "
              + (cause.getMessage() != null ? cause.getMessage() : cause.toString()),
          cause);
    }
    RemovedKeys removed = new RemovedKeys(pki, connected, rotator);
    AcceptedKeysWatch watch;
    try {
      watch = AcceptedKeysWatch.start(pki, removed, connected, rotator);
    } catch (IOException | RuntimeException e) {
      bound.channel().close().awaitUninterruptibly();
      handshakes.close();
      io.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .awaitUninterruptibly();
      throw e;
    }
    rotator.addListener(reauth);
    MinionListener listener =
        new MinionListener(io, handshakes, connected, rotator, removed, watch, bound.channel());
    log.info("listening for minions on {}", listener.address());
    return listener;
  }

  /**
   * Acts on an operator's change of the key store, already applied: a minion whose accepted key
   * was rejected, deleted or replaced loses its connection, and when an accepted key went away the
   * publish key has rotated when this returns (its holder knows the old one), once for the whole
   * batch. A publication sealed meanwhile never used the old key either: {@link #seal}.
   */
  public void onKeysChanged(KeyChanges changes) {
    removed.changedHere(changes);
    for (KeyChanges.Change change : changes.changes()) {
      if (change.from() == KeyStatus.ACCEPTED || change.to() == KeyStatus.ACCEPTED) {
        connected.disconnect(
            change.id(), "the accepted key of minion " + change.id() + " was removed or replaced");
      }
    }
    rotator.rotateIfCompromised();
  }

  /**
   * Seals a publication under a publish key no removed minion holds. {@code accepted}, the listing
   * the job's target was resolved against, is first compared with the last one and with {@code
   * connectedBefore} (read before it), so a key removed behind the master's back is acted on
   * before anything is sealed; after sealing, a removal this master made meanwhile (it may have come
   * first) makes it seal again under a new key. So nothing is sealed under an epoch after the
   * removal that compromised it, however the two interleave.
   *
   * @throws IOException when the vault is sealed, or keys kept being removed while it sealed
   */
  public Sealed seal(Set<MinionId> connectedBefore, AcceptedKeys accepted, Sealing sealing)
      throws IOException, GeneralSecurityException {
    removed.reconcile(connectedBefore, accepted);
    for (int attempt = 1; ; attempt++) {
      PublishKey key = sealingKey();
      byte[] envelope;
      try {
        envelope = sealing.seal(key);
      } catch (IllegalStateException e) {
        if (key.isDestroyed()) {
          throw new IOException("the vault sealed while the publication was sealed", e);
        }
        throw e;
      }
      removed.noticeRemovals();
      if (!rotator.isCompromised(key)) {
        return new Sealed(key.epoch(), envelope);
      }
      if (attempt == MAX_SEAL_ATTEMPTS) {
        throw new IOException(
            "accepted keys kept being removed while the publication was sealed; publish it again");
      }
    }
  }

  /** The rotator's key to seal under; a standby waits a little for the active's new one. */
  private PublishKey sealingKey() throws IOException {
    try {
      return rotator
          .awaitSealingKey(STANDBY_KEY_WAIT)
          .orElseThrow(() -> new IOException("the vault is sealed"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the cluster's new publish key", e);
    }
  }

  /**
   * Hands one publication to each of {@code ids} that is connected now, on its own event loop;
   * a connection whose session predates {@code epoch} holds it until its minion re-authenticates.
   *
   * @param envelope the PUBLISH body, sealed under the publish key of {@code epoch}
   * @return the ids it was handed to
   */
  public Set<MinionId> publish(Collection<MinionId> ids, int epoch, byte[] envelope) {
    PublishDue publication = new PublishDue(epoch, envelope);
    Set<MinionId> handed = new TreeSet<>();
    for (MinionId id : ids) {
      connected
          .channel(id)
          .ifPresent(
              channel -> {
                channel.pipeline().fireUserEventTriggered(publication);
                handed.add(id);
              });
    }
    return handed;
  }

  /**
   * Closes every minion's connection: when the vault seals, no session may outlive the master's
   * keys. The minions reconnect and are answered SEALED until an operator unseals.
   */
  public void disconnectAll(String reason) {
    int closed = connected.disconnectAll(reason);
    if (closed > 0) {
      log.info("closed {} minion connection(s): {}", closed, reason);
    }
  }

  /**
   * {@code listener} is told the id of each minion whose session is established here (the first
   * CONFIRM of a connection; not a re-authentication on it), once it is registered, so that a
   * publication handed to it from then on reaches it. It is called on the connection's event
   * loop: anything that waits (a database) must go to a thread of its own.
   */
  public void onSessionEstablished(Consumer<MinionId> listener) {
    connected.onRegistered(listener);
  }

  /** The minions authenticated and connected now. */
  public ConnectedMinions connected() {
    return connected;
  }

  /** The address actually bound (the chosen port when the config said 0). */
  public InetSocketAddress localAddress() {
    return local;
  }

  public int port() {
    return localAddress().getPort();
  }

  /** {@code host:port} as bound, e.g. {@code 0.0.0.0:4506}. */
  public String address() {
    return hostPort(local.getAddress().getHostAddress(), local.getPort());
  }

  /** Stops accepting, closes every minion connection and stops the threads. */
  @Override
  public void close() {
    watch.close();
    server.close().awaitUninterruptibly();
    io.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    handshakes.close();
    log.info("minion listener on {} stopped", address());
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
