package io.brine.vault.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A token's policies compiled for checking requests, with OpenBao's rules (research §2.3):
 *
 * <ul>
 *   <li>Deny by default: a path no rule matches grants nothing.
 *   <li>Only the highest-priority matching pattern counts: an exact pattern first; then, among the
 *       longest matching {@code *} prefix and the matching {@code +} patterns, the one that wins by
 *       OpenBao's five tie-breaks (first wildcard later; not ending in {@code *}; fewer {@code +}
 *       segments; longer; lexicographically larger). A list operation also tries the path without
 *       its trailing "/", as OpenBao does.
 *   <li>The same pattern in several policies merges (see {@link Grant}); {@code deny} wins over
 *       everything, {@code sudo} included.
 *   <li>Parameter limits apply to read, create, update and patch, as in OpenBao.
 *   <li>A policy named {@code root} among them makes a root ACL, which allows everything.
 * </ul>
 *
 * <p>Cheap to build per request; immutable and thread-safe once built. Rules whose {@code
 * expiration} has passed when the ACL is built are left out.
 */
public final class Acl {
  private final boolean root;
  private final List<String> policyNames;
  private final Map<String, Grant> exact;
  private final Map<String, Grant> prefixes; // keyed by the text before the '*'
  private final List<Grant> segmentWildcards;

  private Acl(
      boolean root,
      List<String> policyNames,
      Map<String, Grant> exact,
      Map<String, Grant> prefixes,
      List<Grant> segmentWildcards) {
    this.root = root;
    this.policyNames = List.copyOf(policyNames);
    this.exact = exact;
    this.prefixes = prefixes;
    this.segmentWildcards = List.copyOf(segmentWildcards);
  }

  public static Acl of(List<Policy> policies) {
    return of(policies, Instant.now());
  }

  /** As {@link #of(List)}, with rule expirations judged at {@code now}. */
  public static Acl of(List<Policy> policies, Instant now) {
    List<String> names = new ArrayList<>();
    boolean root = false;
    Map<String, Grant> exact = new HashMap<>();
    Map<String, Grant> prefixes = new HashMap<>();
    Map<String, Grant> segmentWildcards = new LinkedHashMap<>();
    for (Policy policy : policies) {
      Objects.requireNonNull(policy, "policy");
      if (!names.contains(policy.name())) {
        names.add(policy.name());
      }
      root |= policy.isRoot();
      for (PathRule rule : policy.rules()) {
        if (rule.lapsedAt(now)) {
          continue;
        }
        PathPattern p = rule.compiled();
        Map<String, Grant> table =
            p.hasSegmentWildcards() ? segmentWildcards : p.isPrefix() ? prefixes : exact;
        String key = p.hasSegmentWildcards() ? p.pattern() : p.literal();
        table.computeIfAbsent(key, k -> new Grant(p)).add(policy.name(), rule);
      }
    }
    return new Acl(root, names, exact, prefixes, new ArrayList<>(segmentWildcards.values()));
  }

  public boolean isRoot() {
    return root;
  }

  /**
   * Whether the policies allow {@code operation} on {@code path} (as OpenBao's request path, no
   * leading "/" needed), with {@code sudo} as well when {@code sudoRequired}, and with the
   * request's {@code parameters} (a parameter's values in order; null for none).
   *
   * @throws IllegalArgumentException for {@code SUDO} or {@code DENY}, which are not operations
   */
  public AclDecision check(
      String path,
      Capability operation,
      boolean sudoRequired,
      Map<String, List<String>> parameters) {
    Objects.requireNonNull(path, "path");
    if (operation == Capability.SUDO || operation == Capability.DENY) {
      throw new IllegalArgumentException(operation.wireName() + " is not an operation");
    }
    if (root) {
      return AclDecision.allow(List.of(PolicyStore.ROOT), List.of());
    }
    String p = stripLeadingSlashes(path);
    Grant grant = lookup(p, operation);
    if (grant == null) {
      return AclDecision.deny(
          refusal("grant no " + QuotedText.of(operation.wireName()) + " on " + QuotedText.of(p)));
    }
    if (grant.capabilities().contains(Capability.DENY)) {
      return AclDecision.deny(
          "permission denied: policies " + list(grant.deniedBy()) + " deny " + QuotedText.of(p));
    }
    if (!grant.capabilities().contains(operation)) {
      return AclDecision.deny(
          refusal("grant no " + QuotedText.of(operation.wireName()) + " on " + QuotedText.of(p)));
    }
    if (sudoRequired && !grant.capabilities().contains(Capability.SUDO)) {
      return AclDecision.deny(
          refusal("grant no \"sudo\" on " + QuotedText.of(p) + ", which needs it"));
    }
    if (operation == Capability.READ
        || operation == Capability.CREATE
        || operation == Capability.UPDATE
        || operation == Capability.PATCH) {
      String refused = ParameterCheck.refusal(grant, parameters == null ? Map.of() : parameters);
      if (refused != null) {
        return AclDecision.deny(refusal(refused + " on " + QuotedText.of(p)));
      }
    }
    return AclDecision.allow(grant.grantedBy(operation), grant.allowedMinions());
  }

  /**
   * What OpenBao's {@code sys/capabilities} answers for {@code path}: the granted capabilities'
   * names, sorted; {@code ["deny"]} when nothing is granted or the path is denied; {@code ["root"]}
   * for a root ACL. (A list of names rather than a set of {@link Capability}, since "root" is not a
   * capability a policy can grant.)
   */
  public List<String> capabilities(String path) {
    if (root) {
      return List.of("root");
    }
    Grant grant = lookup(stripLeadingSlashes(path), Capability.LIST);
    if (grant == null
        || grant.capabilities().isEmpty()
        || grant.capabilities().contains(Capability.DENY)) {
      return List.of(Capability.DENY.wireName());
    }
    List<String> names = new ArrayList<>();
    for (Capability c : grant.capabilities()) {
      names.add(c.wireName());
    }
    names.sort(null);
    return List.copyOf(names);
  }

  /** The names of the policies this ACL was built from, in order. */
  public List<String> policyNames() {
    return policyNames;
  }

  private Grant lookup(String path, Capability operation) {
    boolean listing = operation == Capability.LIST || operation == Capability.SCAN;
    Grant grant = exact.get(path);
    if (grant == null && listing && path.endsWith("/")) {
      grant = exact.get(path.substring(0, path.length() - 1));
    }
    if (grant == null) {
      grant = nonExact(path);
    }
    if (grant == null && listing && path.endsWith("/")) {
      // Listing a folder "a/" is also governed by the rules for "a", as in OpenBao.
      grant = nonExact(path.substring(0, path.length() - 1));
    }
    return grant;
  }

  private Grant nonExact(String path) {
    Grant best = null;
    int longest = -1;
    for (Map.Entry<String, Grant> e : prefixes.entrySet()) {
      if (path.startsWith(e.getKey()) && e.getKey().length() > longest) {
        best = e.getValue();
        longest = e.getKey().length();
      }
    }
    if (segmentWildcards.isEmpty()) {
      return best;
    }
    String[] segments = path.split("/", -1);
    for (Grant candidate : segmentWildcards) {
      if (!candidate.pattern().matchesSegments(segments)) {
        continue;
      }
      if (best == null || PathPattern.PRIORITY.compare(best.pattern(), candidate.pattern()) < 0) {
        best = candidate;
      }
    }
    return best;
  }

  private String refusal(String what) {
    return "permission denied: policies " + list(policyNames) + " " + what;
  }

  private static String list(List<String> names) {
    return "[" + String.join(", ", names) + "]";
  }

  private static String stripLeadingSlashes(String path) {
    int i = 0;
    while (i < path.length() && path.charAt(i) == '/') {
      i++;
    }
    return path.substring(i);
  }

  @Override
  public String toString() {
    return root
        ? "Acl[root]"
        : String.format(
            Locale.ROOT,
            "Acl%s[%d exact, %d prefix, %d wildcard]",
            list(policyNames),
            exact.size(),
            prefixes.size(),
            segmentWildcards.size());
  }
}
