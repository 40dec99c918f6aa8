package io.brine.vault.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What all of a token's policies grant on one pattern: the rules for the same pattern merged as
 * OpenBao's {@code NewACL} merges them. Capabilities are unioned; once any rule denies, the grant
 * is deny alone and later rules add nothing. Parameter limits merge key by key: a key's empty list
 * (any value) wins, otherwise the value lists are joined; a rule without limits adds none (so, as
 * in OpenBao, one rule's limits still hold when another rule on the pattern has none). Required
 * parameters are unioned. Brine's minion globs are unioned, and a rule without them makes the grant
 * unrestricted.
 *
 * <p>Built once by {@link Acl#of}, then only read.
 */
final class Grant {
  private final PathPattern pattern;
  private final Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
  private final Map<Capability, Set<String>> grantedBy = new EnumMap<>(Capability.class);
  private final Set<String> deniedBy = new LinkedHashSet<>();
  private Map<String, List<String>> allowedParameters; // null: no limit
  private Map<String, List<String>> deniedParameters; // null: no limit
  private final Set<String> requiredParameters = new LinkedHashSet<>();
  private final Set<String> minions = new LinkedHashSet<>();
  private boolean anyMinion;

  Grant(PathPattern pattern) {
    this.pattern = pattern;
  }

  PathPattern pattern() {
    return pattern;
  }

  void add(String policy, PathRule rule) {
    if (capabilities.contains(Capability.DENY)) {
      if (rule.capabilities().contains(Capability.DENY)) {
        deniedBy.add(policy);
      }
      return;
    }
    if (rule.capabilities().contains(Capability.DENY)) {
      capabilities.clear();
      capabilities.add(Capability.DENY);
      deniedBy.add(policy);
      allowedParameters = null;
      deniedParameters = null;
      return;
    }
    capabilities.addAll(rule.capabilities());
    for (Capability c : rule.capabilities()) {
      grantedBy.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(policy);
    }
    allowedParameters = merge(allowedParameters, rule.allowedParameters());
    deniedParameters = merge(deniedParameters, rule.deniedParameters());
    requiredParameters.addAll(rule.requiredParameters());
    if (rule.allowedMinions().isEmpty()) {
      anyMinion = true;
    } else {
      minions.addAll(rule.allowedMinions());
    }
  }

  private static Map<String, List<String>> merge(
      Map<String, List<String>> existing, Map<String, List<String>> added) {
    if (added.isEmpty()) {
      return existing;
    }
    Map<String, List<String>> out =
        existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
    for (Map.Entry<String, List<String>> e : added.entrySet()) {
      List<String> before = out.get(e.getKey());
      if (before == null) {
        out.put(e.getKey(), List.copyOf(e.getValue()));
      } else if (e.getValue().isEmpty() || before.isEmpty()) {
        out.put(e.getKey(), List.of()); // any value
      } else {
        List<String> joined = new ArrayList<>(e.getValue());
        joined.addAll(before);
        out.put(e.getKey(), List.copyOf(joined));
      }
    }
    return out;
  }

  Set<Capability> capabilities() {
    return capabilities;
  }

  List<String> grantedBy(Capability c) {
    Set<String> policies = grantedBy.get(c);
    return policies == null ? List.of() : List.copyOf(policies);
  }

  List<String> deniedBy() {
    return List.copyOf(deniedBy);
  }

  Map<String, List<String>> allowedParameters() {
    return allowedParameters == null ? Map.of() : allowedParameters;
  }

  Map<String, List<String>> deniedParameters() {
    return deniedParameters == null ? Map.of() : deniedParameters;
  }

  Set<String> requiredParameters() {
    return requiredParameters;
  }

  /** The minion globs; empty when any minion is allowed. */
  List<String> allowedMinions() {
    return anyMinion ? List.of() : List.copyOf(minions);
  }
}
