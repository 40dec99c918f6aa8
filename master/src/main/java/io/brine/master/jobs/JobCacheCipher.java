package io.brine.master.jobs;

import io.brine.crypto.DecryptionFailedException;
import io.brine.crypto.KeyExhaustedException;
import io.brine.crypto.aead.Aead;
import io.brine.protocol.MinionId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JobCache} writes, sealed with the master's data key (kept in the vault's barrier,
 * {@link io.brine.master.cluster.ClusterSecrets}): a job and its returns can hold a vault secret
 * (a pillar value, a file's diff), and no secret is ever in clear on the master's disk.
 *
 * <p>Each value is AES-256-GCM ciphertext in base64 (no newline, no space, never a <code>{</code>,
 * so a JSON file of an earlier version is told apart by its first byte). Its associated data
 * names where it belongs ({@link #job}, {@link #jobReturn}), so a job.json copied to another jid,
 * or a return line moved to another job or to another minion, does not open there.
 *
 * <p>While the vault is sealed the key is not loaded and the {@link Aead} refuses: that is a
 * {@link JobStoreUnavailableException} saying {@link #SEALED}, never taken for a value that does
 * not open.
 */
final class JobCacheCipher {
  static final String SEALED = "the job cache is sealed with the vault";

  private static final Base64.Encoder ENCODER = Base64.getEncoder();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private final Aead aead;

  JobCacheCipher(Aead aead) {
    this.aead = Objects.requireNonNull(aead, "aead");
  }

  /** The associated data of a job's job.json. */
  static byte[] job(String jid) {
    return bytes("job-cache-job\0" + jid);
  }

  /** The associated data of a minion's line in a job's returns.log. */
  static byte[] jobReturn(String jid, MinionId minion) {
    return bytes("job-cache-return\0" + jid + "\0" + minion.value());
  }

  /** Whether {@code content} is a JSON object as an earlier version wrote it, in clear. */
  static boolean isClearJson(byte[] content) {
    return content.length > 0 && content[0] == '{';
  }

  /**
   * The base64 of {@code plaintext} sealed for {@code associatedData}.
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   * @throws IOException when the key refuses for good (its message limit is reached)
   */
  byte[] seal(byte[] plaintext, byte[] associatedData) throws IOException {
    try {
      return ENCODER.encode(aead.encrypt(plaintext, associatedData));
    } catch (KeyExhaustedException e) {
      throw new IOException("cannot encrypt for the job cache: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new JobStoreUnavailableException(SEALED, e);
    }
  }

  /**
   * The plaintext of {@link #seal}'s output, or empty when it does not open for {@code
   * associatedData}: not base64, tampered with, moved from another job or minion, or sealed under
   * another key.
   *
   * @throws JobStoreUnavailableException while the vault is sealed
   */
  Optional<byte[]> open(byte[] sealed, byte[] associatedData) throws JobStoreUnavailableException {
    byte[] ciphertext;
    try {
      ciphertext = DECODER.decode(sealed);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(aead.decrypt(ciphertext, associatedData));
    } catch (DecryptionFailedException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new JobStoreUnavailableException(SEALED, e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
