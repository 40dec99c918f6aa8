package io.brine.vault.kv;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's settings ({@code secret/config}): OpenBao's defaults for every secret whose own
 * metadata leaves them at zero. {@code maxVersions} 0 means OpenBao's default of {@value
 * KvLimits#DEFAULT_MAX_VERSIONS}.
 */
public record KvConfig(int maxVersions, boolean casRequired, Duration deleteVersionAfter) {
  public static final KvConfig DEFAULT = new KvConfig(0, false, Duration.ZERO);

  public KvConfig {
    Objects.requireNonNull(deleteVersionAfter, "deleteVersionAfter");
  }
}
