package io.brine.vault.policy;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code path "..." { ... }} block of a policy, as parsed. Immutable.
 *
 * <ul>
 *   <li>{@link #capabilities}: a rule with {@code deny} holds only {@code deny}, as in OpenBao.
 *   <li>{@link #allowedParameters}, {@link #deniedParameters}: parameter name (lower case, as
 *       OpenBao keeps them) to the allowed or denied values; an empty list means any value, the
 *       name {@code "*"} every other parameter. Values are globs with {@code *} at the start or
 *       end. An empty map sets no limit.
 *   <li>{@link #requiredParameters}: names a request must carry.
 *   <li>{@link #allowedMinions}: brine's key, minion id globs (Salt's fnmatch) that a job granted
 *       by this rule may target; empty means any minion.
 *   <li>{@link #expiration}: OpenBao's {@code expiration}; the rule grants nothing after it.
 * </ul>
 */
public final class PathRule {
  private final PathPattern compiled;
  private final Set<Capability> capabilities;
  private final Map<String, List<String>> allowedParameters;
  private final Map<String, List<String>> deniedParameters;
  private final List<String> requiredParameters;
  private final List<String> allowedMinions;
  private final Instant expiration;

  PathRule(
      PathPattern compiled,
      Set<Capability> capabilities,
      Map<String, List<String>> allowedParameters,
      Map<String, List<String>> deniedParameters,
      List<String> requiredParameters,
      List<String> allowedMinions,
      Instant expiration) {
    this.compiled = compiled;
    this.capabilities =
        capabilities.contains(Capability.DENY)
            ? Collections.unmodifiableSet(EnumSet.of(Capability.DENY))
            : Collections.unmodifiableSet(
                capabilities.isEmpty()
                    ? EnumSet.noneOf(Capability.class)
                    : EnumSet.copyOf(capabilities));
    this.allowedParameters = copy(allowedParameters);
    this.deniedParameters = copy(deniedParameters);
    this.requiredParameters = List.copyOf(requiredParameters);
    this.allowedMinions = List.copyOf(allowedMinions);
    this.expiration = expiration;
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> parameters) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    parameters.forEach((name, values) -> out.put(name, List.copyOf(values)));
    return Collections.unmodifiableMap(out);
  }

  /** The pattern, as written less a leading "/". */
  public String pattern() {
    return compiled.pattern();
  }

  public Set<Capability> capabilities() {
    return capabilities;
  }

  public Map<String, List<String>> allowedParameters() {
    return allowedParameters;
  }

  public Map<String, List<String>> deniedParameters() {
    return deniedParameters;
  }

  public List<String> requiredParameters() {
    return requiredParameters;
  }

  public List<String> allowedMinions() {
    return allowedMinions;
  }

  public Optional<Instant> expiration() {
    return Optional.ofNullable(expiration);
  }

  PathPattern compiled() {
    return compiled;
  }

  boolean lapsedAt(Instant now) {
    return expiration != null && now.isAfter(expiration);
  }

  @Override
  public String toString() {
    return "PathRule[" + compiled.pattern() + " " + capabilities + "]";
  }
}
