package io.brine.vault.kv;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A version as OpenBao's {@code data/} endpoints answer it: its metadata, the secret's custom
 * metadata (null when never set), and its data, which is absent for a version that is deleted or
 * destroyed (and in the answer to a write).
 */
public record KvRead(
    VersionMetadata version, Map<String, String> customMetadata, Optional<Map<String, Object>> data) {
  public KvRead {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(data, "data");
  }
}
