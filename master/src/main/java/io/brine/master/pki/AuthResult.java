package io.brine.master.pki;

import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * What the PKI folder decided for a minion that presented its id and public key.
 *
 * @param verdict the decision
 * @param acceptedKey when {@link Verdict#ACCEPTED}, the key stored in {@code minions/<id>}, which
 *     the handshake must encrypt to (never the key the minion just sent); null otherwise
 */
public record AuthResult(Verdict verdict, RSAPublicKey acceptedKey) {
  /** Salt's four answers to an auth request (max_minions' "full" and open_mode are not brine's). */
  public enum Verdict {
    ACCEPTED,
    PENDING,
    REJECTED,
    DENIED,
    /**
     * A new id not written: {@code minions_pre} holds {@code max_pending_keys} already. Answered
     * PENDING, so the minion retries and is recorded once an operator has decided on the others.
     */
    PENDING_FULL,
    /**
     * A new id not written: its address has had {@code max_new_keys_per_address} new ids written
     * this minute. Answered PENDING, so the minion retries.
     */
    THROTTLED
  }

  public AuthResult {
    Objects.requireNonNull(verdict, "verdict");
    if ((verdict == Verdict.ACCEPTED) != (acceptedKey != null)) {
      throw new IllegalArgumentException("an accepted key goes with, and only with, ACCEPTED");
    }
  }

  static AuthResult accepted(RSAPublicKey key) {
    return new AuthResult(Verdict.ACCEPTED, key);
  }

  static AuthResult of(Verdict verdict) {
    return new AuthResult(verdict, null);
  }

  @Override
  public String toString() {
    return verdict.toString(); // never the key
  }
}
