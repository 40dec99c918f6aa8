package io.brine.master.config;

import io.brine.master.audit.AuditConfig;
import io.brine.vault.seal.SealConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code vault:} block of the master's config: where the vault keeps its files, where its
 * operator API listens, and how it is sealed.
 *
 * @param storage the vault's storage: its folder ({@code storage_dir}), or PostgreSQL ({@code
 *     storage:} of type {@code postgresql})
 * @param apiHost host or IP address the operator API binds ({@code api_addr}, before the colon)
 * @param apiPort its port; 0 picks any free port (tests)
 * @param tlsCertFile PEM certificate chain for HTTPS, or null for plain HTTP
 * @param tlsKeyFile PEM (PKCS#8) private key of that certificate, or null
 * @param maxRequestBytes the largest request body the API reads; larger ones get 413
 * @param apiLimits how long the API waits for a request and how many connections it holds
 * @param seal Shamir, PKCS#11, or a migration away from PKCS#11 ({@code seal:})
 * @param audit the audit devices declared ({@code audit:}) and OpenBao's audit switches
 * @param redirectAddr the URL this master advertises to the others of its cluster while it is
 *     active ({@code redirect_addr}); null for the API's own URL
 */
public record VaultConfig(
    VaultStorage storage,
    String apiHost,
    int apiPort,
    Path tlsCertFile,
    Path tlsKeyFile,
    int maxRequestBytes,
    ApiLimits apiLimits,
    SealConfiguration seal,
    AuditConfig audit,
    String redirectAddr) {

  public static final String DEFAULT_API_HOST = "127.0.0.1";
  public static final int DEFAULT_API_PORT = 8200;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 65536;

  public VaultConfig {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(apiHost, "apiHost");
    Objects.requireNonNull(apiLimits, "apiLimits");
    Objects.requireNonNull(seal, "seal");
    Objects.requireNonNull(audit, "audit");
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("give both the TLS certificate and key, or neither");
    }
    if (redirectAddr != null && RedirectAddress.problem(redirectAddr) != null) {
      throw new IllegalArgumentException(
          "redirect_addr: " + RedirectAddress.problem(redirectAddr));
    }
  }

  public boolean tls() {
    return tlsCertFile != null;
  }

  /** The storage folder, or null when the vault is stored in PostgreSQL. */
  public Path storageDir() {
    return storage instanceof VaultStorage.Folder f ? f.dir() : null;
  }

  /** The PostgreSQL storage shares the HA lock with other masters ({@code ha_enabled}). */
  public boolean haEnabled() {
    return storage instanceof VaultStorage.Postgresql p && p.config().haEnabled();
  }

  /**
   * What the operator API lets a client hold, so that anyone who can reach it (it takes unseal
   * shares unauthenticated) cannot keep it from operators by opening connections or by sending a
   * request one byte at a time. The three timeouts are OpenBao's tcp listener settings, in seconds;
   * unlike Go's, each runs from a fixed start and is not renewed by the bytes that arrive.
   *
   * @param readHeaderTimeout a request's line and headers must arrive within this time of its
   *     first byte, or of the connection's start for its first request, a TLS handshake included
   *     ({@code http_read_header_timeout}, default 10 s)
   * @param readTimeout the whole request, body included, within this time of the same start
   *     ({@code http_read_timeout}, default 30 s)
   * @param idleTimeout a kept-alive connection with no request in flight is closed after this
   *     ({@code http_idle_timeout}, default 300 s, OpenBao's 5 minutes)
   * @param maxConnections connections open at once; one more is closed at accept ({@code
   *     api_max_connections}, default 256)
   * @param maxConnectionsPerAddress connections open at once from one IP address ({@code
   *     api_max_connections_per_address}, default 32). On a loopback API every local client shares
   *     127.0.0.1, so this then only keeps room for the clients of other addresses
   */
  public record ApiLimits(
      Duration readHeaderTimeout,
      Duration readTimeout,
      Duration idleTimeout,
      int maxConnections,
      int maxConnectionsPerAddress) {
    public static final long DEFAULT_READ_HEADER_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_READ_TIMEOUT_SECONDS = 30;
    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;

    public static final ApiLimits DEFAULTS =
        new ApiLimits(
            Duration.ofSeconds(DEFAULT_READ_HEADER_TIMEOUT_SECONDS),
            Duration.ofSeconds(DEFAULT_READ_TIMEOUT_SECONDS),
            Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS),
            DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);

    public ApiLimits {
      Objects.requireNonNull(readHeaderTimeout, "readHeaderTimeout");
      Objects.requireNonNull(readTimeout, "readTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (!positive(readHeaderTimeout) || !positive(readTimeout) || !positive(idleTimeout)) {
        throw new IllegalArgumentException("the API's timeouts must be positive");
      }
      if (readHeaderTimeout.compareTo(readTimeout) > 0) {
        throw new IllegalArgumentException(
            "http_read_header_timeout cannot be longer than http_read_timeout");
      }
      if (maxConnections < 1 || maxConnectionsPerAddress < 1) {
        throw new IllegalArgumentException(
            "api_max_connections and api_max_connections_per_address must be >= 1");
      }
    }

    private static boolean positive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }
  }
}
