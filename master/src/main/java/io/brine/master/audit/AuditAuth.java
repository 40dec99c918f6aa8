package io.brine.master.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who made a request, as an entry's {@code auth} object shows it (OpenBao's field names). The
 * accessor is HMAC'd by each device unless its {@code hmac_accessor} is false; the client token
 * itself comes with the {@link AuditRecord} and is always HMAC'd (unless {@code log_raw}).
 *
 * @param accessor the token's accessor (raw; the device HMACs it)
 * @param displayName the token's display name
 * @param policies every policy the token carries
 * @param tokenPolicies the token's own policies
 * @param metadata the token's meta, written in clear as OpenBao does
 * @param policyResults the ACL's decision, or null when none was made (an unauthenticated path)
 * @param issueTime when the token was created, or null when not known
 * @param ttlSeconds the token's TTL in seconds (0: none)
 * @param remainingUses uses left after this request (0: unlimited)
 */
public record AuditAuth(
    String accessor,
    String displayName,
    List<String> policies,
    List<String> tokenPolicies,
    Map<String, String> metadata,
    PolicyResults policyResults,
    Instant issueTime,
    long ttlSeconds,
    int remainingUses) {
  public AuditAuth {
    policies = policies == null ? List.of() : List.copyOf(policies);
    tokenPolicies = tokenPolicies == null ? List.of() : List.copyOf(tokenPolicies);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /**
   * OpenBao's {@code policy_results}: whether the ACL allowed the request and which policies
   * granted it (each written as {@code {"name": ..., "type": "acl"}}).
   */
  public record PolicyResults(boolean allowed, List<String> grantingPolicies) {
    public PolicyResults {
      grantingPolicies = List.copyOf(Objects.requireNonNull(grantingPolicies, "grantingPolicies"));
    }
  }
}
