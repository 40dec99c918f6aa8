package io.brine.vault.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the token store knows of one token: everything but the token itself, which is never kept.
 * Immutable; a renewal or a spent use gives a new entry.
 *
 * @param accessor the token's second handle (24 base62 characters)
 * @param parentAccessor the parent's accessor; null for an orphan
 * @param policies sorted, without duplicates
 * @param creationTtl the TTL given at creation (zero when the token never expires)
 * @param expireTime null when the token never expires
 * @param explicitMaxTtl zero when none
 * @param period zero when the token is not periodic
 * @param numUses 0 = unlimited; otherwise the uses left, or {@link #LAST_USE_SPENT} while the
 *     request that spent the last one runs
 * @param path where it was made, e.g. "auth/token/create"
 * @param idHash the storage key of the entry ("h" + HMAC of the token), not the token
 */
public record TokenEntry(
    String accessor,
    String parentAccessor,
    List<String> policies,
    String displayName,
    Map<String, String> meta,
    Instant creationTime,
    Duration creationTtl,
    Instant expireTime,
    Duration explicitMaxTtl,
    Duration period,
    int numUses,
    boolean orphan,
    boolean renewable,
    String path,
    String idHash) {

  /** OpenBao's "revocation pending": the last use is being spent; revoked at finishUse. */
  public static final int LAST_USE_SPENT = -1;

  public TokenEntry {
    policies = List.copyOf(policies);
    meta = Map.copyOf(meta);
  }

  /** Neither the accessor nor the storage key: a log line must not hand out a handle. */
  @Override
  public String toString() {
    return "TokenEntry[" + displayName + ", policies=" + policies + ", expires=" + expireTime + "]";
  }

  public boolean isRoot() {
    return policies.contains("root");
  }

  /** The time left at {@code now}: null for a token that never expires, never negative. */
  public Duration ttlAt(Instant now) {
    if (expireTime == null) {
      return null;
    }
    Duration left = Duration.between(now, expireTime);
    return left.isNegative() ? Duration.ZERO : left;
  }

  TokenEntry withNumUses(int uses) {
    return new TokenEntry(
        accessor, parentAccessor, policies, displayName, meta, creationTime, creationTtl,
        expireTime, explicitMaxTtl, period, uses, orphan, renewable, path, idHash);
  }

  TokenEntry withExpireTime(Instant expires) {
    return new TokenEntry(
        accessor, parentAccessor, policies, displayName, meta, creationTime, creationTtl, expires,
        explicitMaxTtl, period, numUses, orphan, renewable, path, idHash);
  }

  TokenEntry asOrphan() {
    return new TokenEntry(
        accessor, null, policies, displayName, meta, creationTime, creationTtl, expireTime,
        explicitMaxTtl, period, numUses, true, renewable, path, idHash);
  }
}
