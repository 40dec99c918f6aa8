package io.brine.vault.policy;

import java.util.List;

/**
 * What {@link Acl#check} decided.
 *
 * @param allowed whether the request may run
 * @param grantingPolicies the policies whose rule granted the operation (OpenBao's {@code
 *     granting_policies}); empty when refused
 * @param allowedMinions the minion id globs (Salt's fnmatch) that the granting rules allow; empty
 *     means any minion. The caller checks them against the minions a job resolves to.
 * @param reason one line saying why it was refused, naming the policies and what was missing; null
 *     when allowed. It names a parameter but shows a value only for {@code fun}, so that it never
 *     echoes a secret.
 */
public record AclDecision(
    boolean allowed, List<String> grantingPolicies, List<String> allowedMinions, String reason) {
  public AclDecision {
    grantingPolicies = List.copyOf(grantingPolicies);
    allowedMinions = List.copyOf(allowedMinions);
  }

  static AclDecision allow(List<String> grantingPolicies, List<String> allowedMinions) {
    return new AclDecision(true, grantingPolicies, allowedMinions, null);
  }

  static AclDecision deny(String reason) {
    return new AclDecision(false, List.of(), List.of(), reason);
  }
}
