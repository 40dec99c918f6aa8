package io.brine.vault.kv;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What OpenBao keeps about each version of a secret: when it was written, when it was (or will be)
 * soft-deleted, and whether its data was destroyed. {@code sizeInBytes} is brine's: the length of
 * the stored data, counted against the engine's bounds.
 */
public record VersionMetadata(
    int version, Instant createdTime, Instant deletionTime, boolean destroyed, long sizeInBytes) {
  public VersionMetadata {
    Objects.requireNonNull(createdTime, "createdTime");
  }

  /** The deletion time, when one is set (it may lie in the future, from delete_version_after). */
  public Optional<Instant> deletion() {
    return Optional.ofNullable(deletionTime);
  }

  /** Soft-deleted at {@code now}: a deletion time that is not in the future. */
  public boolean deletedAt(Instant now) {
    return deletionTime != null && !deletionTime.isAfter(now);
  }

  /** Neither destroyed nor soft-deleted at {@code now}: its data can be read. */
  public boolean liveAt(Instant now) {
    return !destroyed && !deletedAt(now);
  }

  VersionMetadata withDeletion(Instant when) {
    return new VersionMetadata(version, createdTime, when, destroyed, sizeInBytes);
  }

  VersionMetadata destroyedNow() {
    return new VersionMetadata(version, createdTime, deletionTime, true, sizeInBytes);
  }
}
