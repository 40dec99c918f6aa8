package io.brine.vault.kv;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A secret's metadata as OpenBao's KV version 2 keeps it: every version still held, the current
 * and oldest version numbers, and the secret's own settings ({@code maxVersions} 0 and {@code
 * deleteVersionAfter} zero defer to the engine's {@link KvConfig}). {@code customMetadata} is
 * null when never set, as OpenBao answers it.
 */
public record KvMetadata(
    String path,
    SortedMap<Integer, VersionMetadata> versions,
    int currentVersion,
    int oldestVersion,
    int maxVersions,
    boolean casRequired,
    Duration deleteVersionAfter,
    Map<String, String> customMetadata,
    Instant createdTime,
    Instant updatedTime) {
  public KvMetadata {
    Objects.requireNonNull(path, "path");
    versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions));
    Objects.requireNonNull(deleteVersionAfter, "deleteVersionAfter");
    customMetadata =
        customMetadata == null ? null : Collections.unmodifiableMap(new TreeMap<>(customMetadata));
    Objects.requireNonNull(createdTime, "createdTime");
    Objects.requireNonNull(updatedTime, "updatedTime");
  }

  /** The bytes all held versions' data take. */
  long sizeInBytes() {
    long sum = 0;
    for (VersionMetadata v : versions.values()) {
      if (!v.destroyed()) {
        sum += v.sizeInBytes();
      }
    }
    return sum;
  }
}
