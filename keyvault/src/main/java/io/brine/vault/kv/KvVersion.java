package io.brine.vault.kv;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One live version of a secret: its data (JSON values as Jackson reads them: String, Boolean,
 * Integer, Long, BigInteger, BigDecimal, List, Map, or null), its number, and when it was written.
 */
public record KvVersion(Map<String, Object> data, int version, Instant createdTime) {
  public KvVersion {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(createdTime, "createdTime");
  }
}
