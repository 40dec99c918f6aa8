package io.brine.master.api;

import io.brine.vault.policy.Acl;
import io.brine.vault.policy.AclDecision;
import io.brine.vault.token.TokenEntry;

/**
 * Who sent a request, as the request path found it: the token (kept only for this request, for
 * {@code lookup-self}'s {@code id} and the audit device's HMAC), its entry after this use was
 * spent, its policies compiled, and what they decided for this request.
 */
record Caller(String token, TokenEntry entry, Acl acl, AclDecision decision) {
  @Override
  public String toString() {
    // Never the token: a record's own toString would print it.
    return "Caller[accessor " + entry.accessor() + ", policies " + entry.policies() + "]";
  }
}
