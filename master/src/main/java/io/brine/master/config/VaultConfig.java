package io.brine.master.config;

import io.brine.vault.seal.SealConfiguration;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code vault:} block of the master's config: where the vault keeps its files, where its
 * operator API listens, and how it is sealed.
 *
 * @param storageDir the vault's storage folder ({@code storage_dir})
 * @param apiHost host or IP address the operator API binds ({@code api_addr}, before the colon)
 * @param apiPort its port; 0 picks any free port (tests)
 * @param tlsCertFile PEM certificate chain for HTTPS, or null for plain HTTP
 * @param tlsKeyFile PEM (PKCS#8) private key of that certificate, or null
 * @param maxRequestBytes the largest request body the API reads; larger ones get 413
 * @param seal Shamir, PKCS#11, or a migration away from PKCS#11 ({@code seal:})
 */
public record VaultConfig(
    Path storageDir,
    String apiHost,
    int apiPort,
    Path tlsCertFile,
    Path tlsKeyFile,
    int maxRequestBytes,
    SealConfiguration seal) {

  public static final String DEFAULT_API_HOST = "127.0.0.1";
  public static final int DEFAULT_API_PORT = 8200;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 65536;

  public VaultConfig {
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(apiHost, "apiHost");
    Objects.requireNonNull(seal, "seal");
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("give both the TLS certificate and key, or neither");
    }
  }

  public boolean tls() {
    return tlsCertFile != null;
  }
}
