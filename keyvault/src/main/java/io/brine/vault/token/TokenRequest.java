package io.brine.vault.token;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code auth/token/create} asks for, as OpenBao's fields. Null means absent: no policies
 * (the parent's), no TTL (the default), renewable true, display name "token", no metadata.
 *
 * @param noParent an orphan; whether the caller may ask is the API's decision (sudo)
 * @param path the route, e.g. "auth/token/create" or "auth/token/create-orphan"
 */
public record TokenRequest(
    List<String> policies,
    boolean noDefaultPolicy,
    Duration ttl,
    Duration explicitMaxTtl,
    Duration period,
    int numUses,
    Boolean renewable,
    String displayName,
    Map<String, String> meta,
    boolean noParent,
    String path) {

  /** A child with the parent's policies and every other field left to its default. */
  public static TokenRequest defaults() {
    return new TokenRequest(null, false, null, null, null, 0, null, null, null, false, null);
  }
}
