package io.brine.master;

import io.brine.master.api.OperatorApiServer;
import io.brine.master.config.MasterConfig;
import io.brine.master.config.VaultConfig;
import io.brine.vault.SealStatus;
import io.brine.vault.Vault;
import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.storage.FileStorage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master: its vault over the configured storage folder, the master's RSA key held while the
 * vault is unsealed ({@link MasterKeyHolder}), and the operator API. With a PKCS#11 seal it also
 * unseals itself through the HSM, retrying while the HSM is unreachable.
 *
 * <p>{@link #start} prints one line to standard output once the API listens:
 *
 * <pre>brine master 0.1.0: operator API on http://127.0.0.1:8200, vault sealed (shamir)</pre>
 *
 * <p>{@link #close} seals the vault (wiping its keys and dropping the master's key) and stops the
 * API; {@link #awaitShutdown} blocks until then.
 */
public final class MasterDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MasterDaemon.class);

  /** How long start waits for the first HSM attempt, so the start line says how it went. */
  private static final long FIRST_AUTO_UNSEAL_WAIT_SECONDS = 15;

  private final BuildInfo build;
  private final VaultCore vault;
  private final MasterKeyHolder keys;
  private final AutoUnsealer autoUnsealer;
  private final OperatorApiServer api;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private MasterDaemon(
      BuildInfo build,
      VaultCore vault,
      MasterKeyHolder keys,
      AutoUnsealer autoUnsealer,
      OperatorApiServer api) {
    this.build = build;
    this.vault = vault;
    this.keys = keys;
    this.autoUnsealer = autoUnsealer;
    this.api = api;
  }

  /** Starts the master and prints the start line to {@link System#out}. */
  public static MasterDaemon start(MasterConfig config) throws IOException, VaultException {
    return start(config, System.out);
  }

  /**
   * Starts the master and prints the start line to {@code out}.
   *
   * @throws VaultException when the storage folder cannot be opened
   * @throws IOException when the API cannot listen, or the TLS certificate or key cannot be used
   */
  public static MasterDaemon start(MasterConfig config, PrintStream out)
      throws IOException, VaultException {
    BuildInfo build = BuildInfo.current();
    VaultConfig settings = config.vault();
    VaultCore vault =
        VaultCore.builder(FileStorage.open(settings.storageDir()))
            .seal(settings.seal())
            .version(build.version())
            .storageType("file")
            .build();
    MasterKeyHolder keys = new MasterKeyHolder(config.pkiDir(), config.keysize());
    vault.addListener(keys);
    AutoUnsealer autoUnsealer = null;
    OperatorApiServer api;
    try {
      if ("pkcs11".equals(settings.seal().activeType())) {
        autoUnsealer = new AutoUnsealer(vault);
        vault.addListener(autoUnsealer);
      }
      api = OperatorApiServer.start(vault, settings, build.buildDate());
    } catch (IOException | RuntimeException e) {
      if (autoUnsealer != null) {
        autoUnsealer.close();
      }
      vault.close();
      throw e;
    }
    MasterDaemon daemon = new MasterDaemon(build, vault, keys, autoUnsealer, api);
    if (autoUnsealer != null) {
      daemon.awaitFirstAttempt(autoUnsealer.start());
    }
    out.println(daemon.startLine());
    out.flush();
    return daemon;
  }

  private void awaitFirstAttempt(Future<?> first) {
    try {
      first.get(FIRST_AUTO_UNSEAL_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "the HSM has not answered in {} s; the vault stays sealed meanwhile",
          FIRST_AUTO_UNSEAL_WAIT_SECONDS);
    } catch (ExecutionException e) {
      log.debug("first auto-unseal attempt", e); // the attempt logs its own failures
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code brine master <version>: operator API on <url>, vault <sealed|unsealed> (<type>)}. */
  String startLine() {
    SealStatus status = vault.sealStatus();
    return "brine master "
        + build.version()
        + ": operator API on "
        + api.url()
        + ", vault "
        + (status.sealed() ? "sealed" : "unsealed")
        + " ("
        + status.type()
        + ")";
  }

  /** The port the operator API listens on (the chosen one when the config said 0). */
  public int apiPort() {
    return api.port();
  }

  /** The operator API's base URL, e.g. {@code https://127.0.0.1:8200}. */
  public String apiUrl() {
    return api.url();
  }

  public Vault vault() {
    return vault;
  }

  public MasterKeyHolder keys() {
    return keys;
  }

  public BuildInfo build() {
    return build;
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /** Stops the API, seals the vault (wiping its keys) and releases {@link #awaitShutdown}. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (autoUnsealer != null) {
        autoUnsealer.close();
      }
      api.close();
    } finally {
      vault.close();
      log.info("master stopped; vault sealed");
      stopped.countDown();
    }
  }
}
