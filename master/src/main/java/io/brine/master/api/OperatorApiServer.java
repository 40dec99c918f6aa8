package io.brine.master.api;

import io.brine.master.config.VaultConfig;
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
 * beside it ({@value #VAULT_THREADS} threads; the vault itself serializes state changes).
 */
public final class OperatorApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperatorApiServer.class);

  static final int VAULT_THREADS = 2;
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
    SslContext ssl = config.tls() ? serverTls(config) : null;
    OperatorApi api = OperatorApi.create(vault, buildDate, Clock.systemUTC(), paths);
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("brine-api-io", true), NioIoHandler.newFactory());
    EventExecutorGroup vaultCalls =
        new DefaultEventExecutorGroup(
            VAULT_THREADS, new DefaultThreadFactory("brine-api-vault", true));
    ChannelFuture bound =
        new ServerBootstrap()
            .group(io)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new OperatorApiInitializer(ssl, config.maxRequestBytes(), vaultCalls, api))
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
