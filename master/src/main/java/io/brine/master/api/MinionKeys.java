package io.brine.master.api;

import io.brine.master.pki.KeyChanges;
import io.brine.master.pki.MinionKeyStore;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@code /v1/brine/keys/accept|reject|delete} act on: the master's key store, and who is
 * told of each change (the minion listener, which closes a removed minion's connection and rotates
 * the publish key before the answer).
 *
 * @param pki the master's key store (the same instance its handshakes use)
 * @param onChanged called with every non-empty outcome, after the store changed
 */
public record MinionKeys(MinionKeyStore pki, Consumer<KeyChanges> onChanged) {
  public MinionKeys {
    Objects.requireNonNull(pki, "pki");
    Objects.requireNonNull(onChanged, "onChanged");
  }
}
