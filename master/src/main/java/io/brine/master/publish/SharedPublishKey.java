package io.brine.master.publish;

import io.brine.crypto.SecretAccess;
import io.brine.crypto.SecretBytes;
import io.brine.crypto.aead.AesGcmKey;
import io.brine.protocol.publish.PublishKey;
import io.brine.vault.IntegrityException;
import io.brine.vault.VaultException;
import io.brine.vault.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A cluster's one publish key, kept in the barrier at {@link #PATH} so that every master of the
 * cluster seals under the same key, and a rotation on the active master moves them all to the same
 * epoch. Salt's cluster keeps its key in a shared folder and each master caches it, which is how its
 * masters fell out of step after a rotation (Salt #65226, #69193); here every master re-reads the
 * entry each second ({@link PublishKeyRotator#shareThrough}) and only the active one writes it.
 *
 * <p>The entry is binary, so the key's bytes live in arrays that are wiped after use: {@code
 * version(1) ‖ epoch(4) ‖ rotated_at ms(8) ‖ reason length(2) ‖ reason (UTF-8) ‖ key(32) ‖
 * removals_through(8)}; version 1, written before removals were numbered, has no {@code
 * removals_through} and reads as {@link #UNNUMBERED}. The barrier encrypts it with its path as
 * associated data, so the database that stores it reads nothing and cannot move it elsewhere.
 *
 * <p>{@code removals_through} orders the key after the removals of accepted minion keys: every
 * removal numbered at or below it in the key store's history had committed before the key was
 * made ({@link RemovalHistory}). A standby that learns of a removal after it took the key can so
 * tell that the removed minion never held it (docs/security.md, the cluster's publish key).
 */
public final class SharedPublishKey {
  /** The barrier path of the cluster's publish key. */
  public static final String PATH = "cluster/publish-key";

  /** The format written: with {@code removals_through}. */
  private static final byte VERSION = 2;

  /** The format before removals were numbered, still read. */
  private static final byte VERSION_UNNUMBERED = 1;

  /**
   * The {@code removals_through} of a key made before removals were numbered (or by a master on
   * its own): below every removal's number, so any removal learnt of retires it.
   */
  public static final long UNNUMBERED = -1;
  private static final int MAX_REASON_BYTES = 512;

  private final Supplier<Storage> barrier;
  private final BooleanSupplier active;
  private final RemovalHistory removals;

  /**
   * Where the cluster numbers its removals of accepted minion keys: the shared key store's
   * history ({@code SharedKeyStore#removalsCommittedThrough}).
   */
  @FunctionalInterface
  public interface RemovalHistory {
    /**
     * The highest number of a removal of an accepted key such that every removal numbered at or
     * below it has committed (or never will): a key made after this returns was made after each of
     * them committed.
     *
     * @throws IOException when the history cannot be read now
     */
    long committedThrough() throws IOException;
  }

  /**
   * @param barrier the vault's barrier (open while the vault is unsealed)
   * @param active true while this master holds the cluster's HA lock: only then does it make keys
   * @param removals read by the active before it makes each key, for its {@code removals_through}
   */
  public SharedPublishKey(
      Supplier<Storage> barrier, BooleanSupplier active, RemovalHistory removals) {
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.active = Objects.requireNonNull(active, "active");
    this.removals = Objects.requireNonNull(removals, "removals");
  }

  /**
   * What the entry holds; the caller owns {@link #key} and destroys it when it has no use.
   *
   * @param removalsThrough every accepted-key removal numbered at or below it committed before the
   *     key was made; {@link #UNNUMBERED} for an entry of the earlier format
   */
  public record Stored(
      int epoch, AesGcmKey key, Instant rotatedAt, String reason, long removalsThrough) {}

  /** {@link RemovalHistory#committedThrough}, read by the active just before it makes a key. */
  long removalsCommittedThrough() throws IOException {
    return removals.committedThrough();
  }

  /** True while this master may rotate the cluster's key (it is the active master). */
  public boolean mayRotate() {
    return active.getAsBoolean();
  }

  /** The cluster's key as it is stored now, or empty when none was written yet. */
  public Optional<Stored> read() throws VaultException {
    Optional<byte[]> raw = barrier.get().get(PATH);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = raw.get();
    try {
      return Optional.of(decode(bytes));
    } catch (RuntimeException e) {
      throw new IntegrityException("the cluster's publish key (" + PATH + ") is malformed");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Makes {@code key} the cluster's. On a cluster's storage the write is fenced: it fails on a
   * standby, or on a master that lost the HA lock, and then nothing is changed.
   */
  public void write(PublishKey key, String reason, Instant rotatedAt, long removalsThrough)
      throws VaultException {
    byte[] bytes = encode(key, reason, rotatedAt, removalsThrough);
    try {
      barrier.get().put(PATH, bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  static byte[] encode(PublishKey key, String reason, Instant rotatedAt, long removalsThrough) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int textLength = Math.min(text.length, MAX_REASON_BYTES);
    byte[] material = key.key().secret().copyOut(SecretAccess.INSECURE);
    try {
      ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 + 2 + textLength + material.length + 8);
      out.put(VERSION)
          .putInt(key.epoch())
          .putLong(rotatedAt.toEpochMilli())
          .putShort((short) textLength)
          .put(text, 0, textLength)
          .put(material)
          .putLong(removalsThrough);
      return out.array();
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  static Stored decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION && version != VERSION_UNNUMBERED) {
      throw new IllegalArgumentException("unknown version");
    }
    int tail = version == VERSION ? 8 : 0;
    int epoch = in.getInt();
    Instant rotatedAt = Instant.ofEpochMilli(in.getLong());
    int textLength = Short.toUnsignedInt(in.getShort());
    if (epoch < 0 || textLength > MAX_REASON_BYTES
        || in.remaining() != textLength + AesGcmKey.KEY_SIZE_IN_BYTES + tail) {
      throw new IllegalArgumentException("bad lengths");
    }
    byte[] text = new byte[textLength];
    in.get(text);
    byte[] material = new byte[AesGcmKey.KEY_SIZE_IN_BYTES];
    in.get(material);
    long removalsThrough = version == VERSION ? in.getLong() : UNNUMBERED;
    if (removalsThrough < UNNUMBERED) {
      Arrays.fill(material, (byte) 0);
      throw new IllegalArgumentException("bad removals_through");
    }
    AesGcmKey key = AesGcmKey.fromSecret(SecretBytes.wrap(material));
    return new Stored(
        epoch, key, rotatedAt, new String(text, StandardCharsets.UTF_8), removalsThrough);
  }
}
