package io.brine.master.api;

import io.brine.common.log.RefusalLog;
import io.brine.master.config.VaultConfig.ApiLimits;
import io.brine.master.config.VaultConfig;
import io.brine.master.ha.ClusterStatus;
import io.brine.master.net.AcceptErrors;
import io.brine.vault.Vault;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator HTTP API: OpenBao's {@code /v1/sys/...} paths over a {@link Vault}, on Netty's NIO
 * transport, HTTPS when a certificate and key are configured. Binds in {@link #start}, stops
 * gracefully in {@link #close}.
 *
 * <p>One I/O thread is plenty for an operator's requests; vault calls run on a small executor
 * beside it ({@value #VAULT_THREADS} threads; the vault itself serializes state changes). They
 * are many for two cores because with an audit device each request waits for its entry's fsync:
 * the device's group commit covers every request waiting at once, so more threads in flight
 * means fewer fsyncs per request, not more CPU.
 *
 * <p>What a stranger can hold is bounded ({@link VaultConfig.ApiLimits}): connections in all and
 * per address, the time to send a request, the time a kept-alive connection stays idle, and the
 * token checks per address ({@link TokenFailures}). Each refusal is counted in a rate-limited log
 * line ({@link RefusalLog}), never a line or stack trace per connection.
 */
public final class OperatorApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperatorApiServer.class);

  static final int VAULT_THREADS = 16;
  private static final long QUIET_PERIOD_MILLIS = 100;
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  private final EventLoopGroup io;
  private final EventExecutorGroup vaultCalls;
  private final Channel server;
  private final String url;

  private OperatorApiServer(
      EventLoopGroup io, EventExecutorGroup vaultCalls, Channel server, String url) {
    this.io = io;
    this.vaultCalls = vaultCalls;
    this.server = server;
    this.url = url;
  }

  /**
   * Listens on {@code config}'s address.
   *
   * @param buildDate reported as {@code build_date} and {@code commit_date} in seal-status
   * @throws IOException when the address cannot be bound, or the TLS certificate or key is not
   *     usable
   */
  public static OperatorApiServer start(Vault vault, VaultConfig config, String buildDate)
      throws IOException {
    return start(vault, config, buildDate, MasterPaths.NONE);
  }

  /** Listens on {@code config}'s address, with the master's own {@code /v1/brine/} paths. */
  public static OperatorApiServer start(
      Vault vault, VaultConfig config, String buildDate, MasterPaths paths) throws IOException {
    return start(vault, config, buildDate, paths, ClusterStatus.SINGLE);
  }

  /**
   * As above, for a master of a cluster: while {@code cluster} says it is a standby, it serves only
   * the status paths and sends every other request to the active master.
   */
  public static OperatorApiServer start(
      Vault vault, VaultConfig config, String buildDate, MasterPaths paths, ClusterStatus cluster)
      throws IOException {
    SslContext ssl = config.tls() ? serverTls(config) : null;
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("brine-api-io", true), NioIoHandler.newFactory());
    OperatorApi api = OperatorApi.create(vault, buildDate, Clock.systemUTC(), paths, io, cluster);
    EventExecutorGroup vaultCalls =
        new DefaultEventExecutorGroup(
            VAULT_THREADS, new DefaultThreadFactory("brine-api-vault", true));
    ApiLimits limits = config.apiLimits();
    OperatorApiInitializer.Refusals refusals =
        new OperatorApiInitializer.Refusals(
            refusalLog(
                "operator API: refused a connection, api_max_connections ("
                    + limits.maxConnections()
                    + ") are open;",
                io),
            refusalLog(
                "operator API: refused a connection, api_max_connections_per_address ("
                    + limits.maxConnectionsPerAddress()
                    + ") are open from its address;",
                io),
            refusalLog("operator API: closed a connection too slow to send its request,", io));
    ChannelFuture bound =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            .handler(new AcceptErrors(refusalLog("operator API: cannot accept connections", io)))
            .childHandler(
                new OperatorApiInitializer(
                    ssl,
                    config.maxRequestBytes(),
                    limits,
                    new ConnectionLimits(
                        limits.maxConnections(), limits.maxConnectionsPerAddress()),
                    refusals,
                    vaultCalls,
                    api))
            .bind(config.apiHost(), config.apiPort())
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutDown(io, vaultCalls);
      Throwable cause = bound.cause();
      String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      throw new IOException(
          "cannot listen on " + hostPort(config.apiHost(), config.apiPort()) + ": " + reason,
          cause);
    }
    InetSocketAddress local = (InetSocketAddress) bound.channel().localAddress();
    String url =
        (ssl != null ? "https://" : "http://") + hostPort(config.apiHost(), local.getPort());
    log.info("operator API listening on {}", url);
    return new OperatorApiServer(io, vaultCalls, bound.channel(), url);
  }

  private static RefusalLog refusalLog(String cause, EventLoopGroup timer) {
    return new RefusalLog(log, cause, RefusalLog.DEFAULT_INTERVAL, timer);
  }

  private static SslContext serverTls(VaultConfig config) throws IOException {
    try {
      return SslContextBuilder.forServer(
              config.tlsCertFile().toFile(), config.tlsKeyFile().toFile())
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(
          "cannot use the TLS certificate "
              + config.tlsCertFile()
              + " with key "
              + config.tlsKeyFile()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The address actually bound (the chosen port when the config said 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  public int port() {
    return localAddress().getPort();
  }

  public boolean tls() {
    return url.startsWith("https:");
  }

  /** The base URL clients use, e.g. {@code https://127.0.0.1:8200}. */
  public String url() {
    return url;
  }

  /** Stops accepting, lets requests in flight finish (up to 5 s), then stops the threads. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    shutDown(io, vaultCalls);
    log.info("operator API on {} stopped", url);
  }

  private static void shutDown(EventLoopGroup io, EventExecutorGroup vaultCalls) {
    vaultCalls
        .shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    io.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
