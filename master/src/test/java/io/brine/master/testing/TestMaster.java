package io.brine.master.testing;

import io.brine.master.MasterDaemon;
import io.brine.common.config.ConfigException;
import io.brine.master.config.MasterConfig;
import io.brine.vault.VaultException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Config files for tests: a master in {@code dir} with its PKI and vault folders beside the config,
 * the API and the minion listener on free ports of 127.0.0.1, and a 2048-bit key (4096 takes
 * seconds to generate).
 */
public final class TestMaster {
  private TestMaster() {}

  /** A Shamir master's config, written to {@code dir/master.yaml} and loaded. */
  public static MasterConfig shamir(Path dir) throws IOException, ConfigException {
    return write(dir, "");
  }

  /**
   * A config with {@code extraVaultLines} (YAML indented by two spaces, under {@code vault:})
   * added, e.g. a seal block.
   */
  public static MasterConfig write(Path dir, String extraVaultLines)
      throws IOException, ConfigException {
    Path file = dir.resolve("master.yaml");
    Files.writeString(
        file,
        "pki_dir: pki\n"
            + "keysize: 2048\n"
            + "interface: 127.0.0.1\n"
            + "ret_port: 0\n"
            + "vault:\n"
            + "  storage_dir: vault\n"
            + "  api_addr: 127.0.0.1:0\n"
            + extraVaultLines);
    return MasterConfig.load(file);
  }

  /** Starts the master, keeping its start line. */
  public static Started start(MasterConfig config) throws IOException, VaultException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MasterDaemon daemon;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      daemon = MasterDaemon.start(config, print);
    }
    return new Started(daemon, out.toString(StandardCharsets.UTF_8));
  }

  /** A running master and what it printed to standard output. */
  public record Started(MasterDaemon daemon, String stdout) {
    public ApiClient client() {
      return new ApiClient(daemon.apiUrl());
    }

    /** Initializes the vault with one share, unseals it, and returns the root token. */
    public String initAndUnseal() throws IOException, InterruptedException {
      ApiClient api = client();
      com.fasterxml.jackson.databind.JsonNode init =
          api.put("/v1/sys/init", java.util.Map.of("secret_shares", 1, "secret_threshold", 1))
              .json();
      api.put("/v1/sys/unseal", ApiClient.key(init.path("keys").get(0).asText()));
      return init.path("root_token").asText();
    }
  }
}
