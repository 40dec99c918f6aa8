package io.brine.master.jobs.shared;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import io.brine.crypto.aead.Aead;
import io.brine.master.jobs.JobStoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;

/**
 * What the job tables say that the database must not read, sealed with the caller's {@link Aead}.
 * Every value's associated data names its row ({@link #job}, {@link #jobReturn}, {@link
 * #queued}), so a writer of the database, who sees only ciphertext, also cannot move a value to
 * another row: a return copied onto another minion's row, or a job onto another jid, fails to
 * open there.
 *
 * <p>An {@link Aead} may refuse for a while (a cluster's data key is not loaded while the vault is
 * sealed, or before the active master has made it): that is a {@link
 * JobStoreUnavailableException}, never taken for a row that does not open.
 */
final class RowCipher {
  private final Aead aead;

  RowCipher(Aead aead) {
    this.aead = Objects.requireNonNull(aead, "aead");
  }

  /** The associated data of a job's row in {@code brine_jobs}. */
  static byte[] job(String jid) {
    return bytes("job\0" + jid);
  }

  /** The associated data of a minion's return's row in {@code brine_job_returns}. */
  static byte[] jobReturn(String jid, String minion) {
    return bytes("job-return\0" + jid + "\0" + minion);
  }

  /** The associated data of a row of {@code brine_job_queue}. */
  static byte[] queued(long seq, String jid, String origin) {
    return bytes("job-queue\0" + seq + "\0" + jid + "\0" + origin);
  }

  /** The associated data of a minion's row in {@code brine_minion_grains}. */
  static byte[] grains(String minion) {
    return bytes("minion-grains\0" + minion);
  }

  /**
   * @throws JobStoreUnavailableException when the key is not available right now
   * @throws IOException when the key refuses for good (its message limit is reached)
   */
  byte[] seal(byte[] plaintext, byte[] associatedData) throws IOException {
    try {
      return aead.encrypt(plaintext, associatedData);
    } catch (KeyExhaustedException e) {
      throw new IOException("cannot encrypt for the job store: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw unavailable(e);
    }
  }

  /**
   * The plaintext, or empty when the value does not open for this row: tampered with, moved from
   * another row, or sealed under another key.
   *
   * @throws JobStoreUnavailableException when the key is not available right now
   */
  Optional<byte[]> open(byte[] ciphertext, byte[] associatedData)
      throws JobStoreUnavailableException {
    try {
      return Optional.of(aead.decrypt(ciphertext, associatedData));
    } catch (DecryptionFailedException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw unavailable(e);
    }
  }

  private static JobStoreUnavailableException unavailable(GeneralSecurityException e) {
    return new JobStoreUnavailableException(
        "the job store's key is not available: " + e.getMessage(), e);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
