package io.brine.vault.policy;

import io.brine.vault.storage.Storage;

/** The ACL policies behind the barrier (the policy branch brings the real class). */
public final class PolicyStore {
  public PolicyStore(Storage barrier) {}
}
