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
    DENIED
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
