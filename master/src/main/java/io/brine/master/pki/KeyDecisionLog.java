package io.brine.master.pki;

import io.brine.protocol.MinionId;

/**
 * Where key decisions are recorded before they are carried out (the master's audit devices). A
 * decision that cannot be recorded is not carried out: an automatic one leaves the key pending (the
 * minion retries), an operator's is refused with a reason. Called inside the store's unit of work
 * (the folder's lock; in a shared store, the transaction holding the id's lock).
 */
@FunctionalInterface
public interface KeyDecisionLog {
  /** Records nothing and allows everything: no audit device. */
  KeyDecisionLog NONE = (decision, id, publicKeyPem) -> true;

  /**
   * @param publicKeyPem the key decided on (its fingerprint is recorded), or null when unreadable
   * @return false when the decision could not be recorded (it must not be carried out then)
   */
  boolean record(KeyDecision decision, MinionId id, String publicKeyPem);

  /**
   * An {@link KeyDecision#IMPORT} into {@code status}: the audit log says which state the key was
   * put in, which for an import is the decision itself (an imported accepted key authenticates).
   */
  default boolean recordImport(MinionId id, KeyStatus status, String publicKeyPem) {
    return record(KeyDecision.IMPORT, id, publicKeyPem);
  }
}
