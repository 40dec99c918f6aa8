package io.brine.master;

import io.brine.vault.VaultCore;
import io.brine.vault.VaultException;
import io.brine.vault.VaultListener;
import io.brine.vault.seal.pkcs11.HsmLoginException;
import io.brine.vault.storage.Storage;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unseals a PKCS#11-sealed vault with the HSM alone: at start, then every {@value #RETRY_SECONDS} s
 * until the vault is unsealed, by this loop or otherwise (init under PKCS#11 unseals by itself).
 * While the HSM is unreachable the vault stays sealed and the reason is logged once, at warn, each
 * time it changes; the operator API keeps serving meanwhile.
 *
 * <p>Once the vault has been unsealed the loop ends for good: a vault sealed by an operator stays
 * sealed until the master restarts or recovery shares unseal it, as OpenBao's does.
 */
final class AutoUnsealer implements VaultListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoUnsealer.class);

  static final long RETRY_SECONDS = 5;

  private final VaultCore vault;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "brine-auto-unseal");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean done;
  private volatile ScheduledFuture<?> retries;
  private String lastReason; // touched on the timer thread only

  AutoUnsealer(VaultCore vault) {
    this.vault = vault;
  }

  /** Starts the loop; the future completes when the first attempt has been made. */
  Future<?> start() {
    Future<?> first = timer.submit(this::attempt);
    retries =
        timer.scheduleWithFixedDelay(this::attempt, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    if (done) {
      retries.cancel(false);
    }
    return first;
  }

  private void attempt() {
    if (done) {
      return;
    }
    try {
      if (vault.autoUnseal()) {
        stop();
      }
      // false: not initialized yet, or a seal migration waiting for shares; keep waiting.
    } catch (HsmLoginException e) {
      // Retrying a wrong PIN on a timer would lock a real token's PIN for good.
      log.error(
          "vault stays sealed: {}; not retrying, so the token's PIN does not get locked: fix the"
              + " PIN and restart the master",
          e.getMessage());
      log.debug("auto-unseal login failed", e);
      stop();
    } catch (Throwable e) {
      // Anything escaping would cancel the schedule without a word: log it and keep trying.
      String reason = e instanceof VaultException ? String.valueOf(e.getMessage()) : e.toString();
      if (!reason.equals(lastReason)) {
        log.warn("vault stays sealed: {}; retrying every {} s", reason, RETRY_SECONDS);
        lastReason = reason;
      }
      log.debug("auto-unseal attempt failed", e);
    }
  }

  @Override
  public void unsealed(Storage barrier) {
    stop();
  }

  @Override
  public void sealed() {
    // Nothing: after a manual seal the HSM does not unseal again until a restart.
  }

  private void stop() {
    done = true;
    ScheduledFuture<?> r = retries;
    if (r != null) {
      r.cancel(false);
    }
  }

  @Override
  public void close() {
    stop();
    timer.shutdownNow();
  }
}
